import { type ChildProcess, fork } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import createError from '@fastify/error'

export const EmbeddedDatabaseInUseError = createError(
  'APP_EMBEDDED_DATABASE_IN_USE',
  'The embedded database in %s is in use by process %s: stop that process, or set EMBEDDED_DATABASE_DIR to another folder',
)

/** Whether the embedded database is installed: it is a development dependency, pruned in production. */
export function embeddedDatabaseInstalled() {
  try {
    import.meta.resolve('@electric-sql/pglite-socket')
    return true
  } catch {
    return false
  }
}

// The embedded database: PostgreSQL compiled to WebAssembly (PGlite), with its data in `dir`, run by
// a process of its own (embedded-database-process.ts) and served on a loopback port, so that the app
// reaches it as it reaches a real server: the same driver, pool, SQL and errors.
export async function startEmbeddedDatabase(dir: string) {
  const unlock = lock(dir)
  try {
    if (!existsSync(join(dir, 'PG_VERSION'))) await finished(run('create', dir), dir)
    const child = run('serve', dir)
    const { port } = (await finished(child, dir, 'message')) as { port: number }
    return {
      connection: { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' },
      async stop() {
        child.send('stop')
        await once(child, 'exit')
        unlock()
      },
    }
  } catch (error) {
    unlock()
    throw error
  }
}

// The process's file is this one's neighbour: compiled in dist/plugins/, bundled beside the server
// in dist/ (scripts/bundle.js), or the source under tsx (npm run dev), whose loader the process
// inherits with Node's options.
const program = fileURLToPath(
  new URL(`./embedded-database-process${extname(import.meta.url)}`, import.meta.url),
)

function run(task: 'create' | 'serve', dir: string) {
  return fork(program, [task, dir], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
}

/** What the process sends, or that it has ended well: else an error with the last line it wrote. */
async function finished(child: ChildProcess, dir: string, event: 'message' | 'exit' = 'exit') {
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const [what, [result]] = await Promise.race([
    once(child, 'message').then((args) => ['message', args] as const),
    once(child, 'exit').then((args) => ['exit', args] as const),
  ])
  if (what === event && (what === 'message' || result === 0)) return result
  const said = stderr.trim().split('\n').pop()
  throw new Error(`The embedded database in ${dir} could not be opened: ${said}`)
}

// PGlite does not lock its folder, and two processes writing the same files would corrupt them: the
// first process to open the folder writes its pid there, and a lock whose process is gone is stale.
function lock(dir: string) {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'app.pid')
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' })
  } catch {
    const holder = Number(readFileSync(file, 'utf8'))
    if (isAlive(holder)) throw new EmbeddedDatabaseInUseError(dir, holder)
    writeFileSync(file, String(process.pid))
  }
  return () => rmSync(file, { force: true })
}

// Signal 0 tests for a process without signalling it: ESRCH, there is none.
function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
  return true
}
