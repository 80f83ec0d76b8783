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

// Signals that would end the process at once, losing the log lines not yet written, and that
// process managers send to stop it: SIGTERM (Heroku, Render, Dokku, foreman), SIGHUP (a closed
// terminal, some managers), SIGQUIT, SIGUSR2 (nodemon), and the timers' and limits' signals.
const drainingSignals = [
  'SIGTERM',
  'SIGHUP',
  'SIGQUIT',
  'SIGUSR2',
  'SIGALRM',
  'SIGVTALRM',
  'SIGXCPU',
  'SIGXFSZ',
  'SIGPWR',
] as const

const { logger, destination } = stdoutLogger()

try {
  const app = await buildApp({ env: process.env, envFile: '.env', logger })
  stopOnSignals(app)
  await listen(app)
  logger.flush() // the line that says where to find the server is for whoever is watching now
} catch (error) {
  logStartupFailure(error)
  exit(1)
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

// Each of those signals drains the server: requests in flight finish, then the process exits 0. A
// platform may repeat SIGTERM: the drain goes on. SIGINT (Fly.io, overmind, Ctrl-C) drains too, and
// a second SIGINT is a person at a terminal who does not want to wait: exit at once, with 130. A
// crash drains the same way, then exits 1. SHUTDOWN_TIMEOUT bounds the drain. The last line says
// how the stop ended.
function stopOnSignals(app: App) {
  let stopping: Stopping | undefined
  const stop = (code: number) => {
    if (stopping !== undefined) {
      stopping.code = Math.max(stopping.code, code)
      return
    }
    const current = { code, since: performance.now(), inFlight: app.drain.openWork().openRequests.length }
    stopping = current
    const timeout = app.config.SHUTDOWN_TIMEOUT
    setTimeout(() => {
      app.log.error(app.drain.openWork(), `Shutdown timed out after ${timeout} ms with work still open`)
      stopped(app, current, 1)
    }, timeout).unref()
    app.close().then(
      () => stopped(app, current, current.code),
      (error: unknown) => {
        app.log.error({ err: error }, 'Closing failed')
        stopped(app, current, 1)
      },
    )
  }
  for (const signal of drainingSignals) {
    process.on(signal, () => {
      app.log.info(stopping === undefined ? `${signal}: draining` : `${signal} again: still draining`)
      stop(0)
    })
  }
  process.on('SIGINT', () => {
    if (stopping !== undefined) process.exit(130)
    app.log.info('SIGINT: draining (press Ctrl-C again to exit at once)')
    stop(0)
  })
  process.on('uncaughtException', (error) => {
    app.log.fatal({ err: error }, 'Uncaught exception: draining, then exiting')
    stop(1)
  })
  process.on('unhandledRejection', (reason) => {
    app.log.fatal({ err: reason }, 'Unhandled rejection: draining, then exiting')
    stop(1)
  })
}

interface Stopping {
  code: number
  since: number
  /** Requests in flight when the stop began. */
  inFlight: number
}

function stopped(app: App, { since, inFlight }: Stopping, exitCode: number) {
  const ms = Math.round(performance.now() - since)
  const drained = inFlight - app.drain.openWork().openRequests.length
  app.log.info(
    { exitCode, ms, drained, inFlight },
    `Stopped: ${drained} of ${inFlight} requests in flight drained in ${ms} ms, exit code ${exitCode}`,
  )
  exit(exitCode)
}

// Exits once the log is written, or after half a second: a log reader that has stalled must not
// hold the process up. A line that could not be written by then is lost, and counted.
async function exit(code: number) {
  await destination.drain(500)
  if (destination.lost > 0)
    logger.warn({ lost: destination.lost }, 'Log lines lost: stdout could not take them')
  process.exit(code)
}
