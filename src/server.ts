import createError from '@fastify/error'
import { type App, buildApp } from './app.js'
import { stdoutLogger } from './logger.js'

// The only file that touches the process: the environment, stdout, signals and the exit code.

// What stops the server from listening, each in one line that says what to do.
const PortInUseError = createError(
  'APP_PORT_IN_USE',
  'Port %s is already in use by another process%s: stop that process or set PORT to a free port',
)
const PortForbiddenError = createError(
  'APP_PORT_FORBIDDEN',
  'Port %s needs privileges this process does not have (ports below 1024 usually do): set PORT to 1024 or above',
)
const ListenError = createError('APP_LISTEN_FAILED', 'Cannot listen on %s port %s: %s')

// Log lines go out in batches; the lines that say the server listens or stops go out at once.
const { logger, flush } = stdoutLogger()

try {
  const app = await buildApp({ env: process.env, envFile: '.env', logger })
  exitGracefully(app)
  await listen(app)
  flush()
} catch (error) {
  logStartupFailure(error)
  process.exit(1)
}

// Listens on every interface when HOST is unset: on IPv6 and IPv4 both, or on IPv4 alone where the
// kernel has no IPv6, as Node does and Fastify does not.
async function listen(app: App, host = app.config.HOST ?? '::') {
  const port = app.config.PORT
  try {
    await app.listen({ port, host, listenTextResolver })
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException
    if (code === 'EAFNOSUPPORT' && host === '::' && app.config.HOST === undefined) {
      app.log.warn('This machine has no IPv6: listening on IPv4 only')
      return listen(app, '0.0.0.0')
    }
    if (code === 'EADDRINUSE') throw new PortInUseError(port, airPlayHint(port))
    if (code === 'EACCES') throw new PortForbiddenError(port)
    throw new ListenError(host, port, message)
  }
}

// Bound to every interface, the address says [::] or 0.0.0.0, which a browser cannot open.
function listenTextResolver(address: string) {
  const { hostname, port } = new URL(address)
  const everywhere = hostname === '[::]' || hostname === '0.0.0.0'
  return `Server listening at ${address}${everywhere ? `: open http://localhost:${port}` : ''}`
}

// On macOS the AirPlay Receiver listens on port 5000, the port this server and Procfile runners
// default to.
function airPlayHint(port: number) {
  return process.platform === 'darwin' && port === 5000 ? ' (on macOS, the AirPlay Receiver)' : ''
}

// A cause we can explain gets one line saying what to do; anything else is a bug and keeps its stack.
function logStartupFailure(error: unknown) {
  const { code, message } = error as { code?: string; message: string }
  if (code?.startsWith('APP_') || code === 'AVV_ERR_PLUGIN_EXEC_TIMEOUT') logger.fatal(message)
  else logger.fatal({ err: error }, 'Startup failed')
}

// SIGTERM (Heroku, Render, Dokku, foreman) or SIGINT (Fly.io, overmind, Ctrl-C) drain the server:
// requests in flight finish, then the process exits 0. A platform may repeat SIGTERM: the drain goes
// on. A second SIGINT is a person at a terminal who does not want to wait: exit at once. A crash
// drains the same way, then exits 1. SHUTDOWN_TIMEOUT bounds the drain.
function exitGracefully(app: App) {
  let exitCode: number | undefined
  const shutdown = (code: number) => {
    flush() // the line saying why is for whoever is watching now
    if (exitCode !== undefined) {
      exitCode = Math.max(exitCode, code)
      return
    }
    exitCode = code
    const timeout = app.config.SHUTDOWN_TIMEOUT
    setTimeout(() => {
      const openRequests = app.drain.openRequests()
      app.log.error({ openRequests }, `Shutdown timed out after ${timeout} ms with requests still open`)
      process.exit(1)
    }, timeout).unref()
    app.close().then(
      () => process.exit(exitCode),
      (error: unknown) => {
        app.log.error({ err: error }, 'Closing failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => {
    app.log.info(exitCode === undefined ? 'SIGTERM: draining' : 'SIGTERM again: still draining')
    shutdown(0)
  })
  process.on('SIGINT', () => {
    if (exitCode !== undefined) process.exit(130)
    app.log.info('SIGINT: draining (press Ctrl-C again to exit at once)')
    shutdown(0)
  })
  process.on('uncaughtException', (error) => {
    app.log.fatal({ err: error }, 'Uncaught exception: draining, then exiting')
    shutdown(1)
  })
  process.on('unhandledRejection', (reason) => {
    app.log.fatal({ err: reason }, 'Unhandled rejection: draining, then exiting')
    shutdown(1)
  })
}
