import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

// The embedded database's process (see embedded-database.ts): PGlite runs PostgreSQL as WebAssembly,
// synchronously, so in the app's own process its first start (seconds) and every query would stall
// the event loop, and its memory would count against the app's. PGlite is one session: the socket
// server runs the queries of its connections one at a time, in that session, so the pool keeps to
// one connection (two are allowed, as a closed connection may not be gone yet when the next one
// arrives). Arguments: `create` or `serve`, and the folder.
const [task, dir] = process.argv.slice(2) as ['create' | 'serve', string]
const send = (message: unknown) => process.send?.(message)

// PostgreSQL's default 128 MB of shared buffers: a development database needs far less.
const startParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB']
const db = await PGlite.create(dir, { startParams })
// Creating a database takes the process to 700 MB, which WebAssembly never gives back: a folder is
// created by a process of its own, which then ends, and served by another.
if (task === 'create') {
  await db.close()
  process.exit(0)
}
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 2 })
await server.start()
send({ port: Number(server.getServerConn().split(':').pop()) })
// Told to stop, or left by the app (it exited), it closes the database and ends.
const stop = async () => {
  await server.stop()
  await db.close()
  process.exit(0)
}
process.once('message', stop).once('disconnect', stop)
