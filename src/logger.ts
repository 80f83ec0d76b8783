import type { IncomingHttpHeaders } from 'node:http'
import { type DestinationStream, type LoggerOptions, pino } from 'pino'

// Credentials must never reach the logs. The request log never writes headers; a handler that logs
// some, as `{ headers }`, gets these values replaced. A serializer costs nothing on lines without
// headers, where pino's path redaction would cost more than the rest of the request log line.
const secretHeaders = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie']

export const loggerOptions: LoggerOptions = {
  serializers: { headers: withoutSecrets },
}

function withoutSecrets(headers: IncomingHttpHeaders) {
  const safe: Record<string, unknown> = { ...headers }
  for (const name of secretHeaders) if (name in safe) safe[name] = '[redacted]'
  return safe
}

/** The production logger, to stdout, and its destination, to wait for at exit. */
export function stdoutLogger() {
  const destination = stdoutDestination({
    onResume: (dropped) =>
      logger.warn({ dropped }, `${dropped} log lines were dropped: stdout could not take them`),
  })
  const logger = pino(loggerOptions, destination)
  return { logger, destination }
}

export type StdoutDestination = ReturnType<typeof stdoutDestination>

const MIN_BATCH = 4096
const BATCH_INTERVAL_MS = 250
const MAX_QUEUED = 4 * 1024 * 1024

/**
 * Where the log lines go: stdout, batched (4 KiB, or a quarter of a second), in the order they were
 * logged, never holding the server up. pino's own destination (sonic-boom 4) retries a failed write
 * forever at exit, sleeping between tries, so a process whose log reader has gone can never exit,
 * and it queues without bound while the reader stalls. This one writes through process.stdout, which
 * Node makes non-blocking on a pipe (it waits for the pipe in the event loop, not in a thread that
 * exit would have to join), synchronous on a file; it queues at most 4 MiB and drops what is past
 * that, counting the lines; after a write error it drops every line, and never retries.
 */
export function stdoutDestination({ onResume }: { onResume: (dropped: number) => void }) {
  const stdout = process.stdout
  let batch = ''
  let batchLines = 0
  let inFlight = 0
  let dropped = 0
  let unreported = 0
  let broken = false
  let waiting: (() => void)[] = []

  stdout.on('error', () => {
    broken = true // EPIPE: the reader has gone, for good
  })
  setInterval(push, BATCH_INTERVAL_MS).unref()
  process.on('exit', push)

  function drop(lines: number) {
    dropped += lines
    unreported += lines
  }

  function push() {
    if (batchLines > 0) send(batch, batchLines)
    batch = ''
    batchLines = 0
    settle()
  }

  // After a write error, Node fails every later write at once: those lines are dropped too.
  function send(chunk: string, lines: number) {
    inFlight += lines
    stdout.write(chunk, (error) => {
      inFlight -= lines
      if (error) {
        broken = true
        drop(lines)
      } else if (unreported > 0 && stdout.writableLength < MAX_QUEUED / 2) {
        const count = unreported
        unreported = 0
        onResume(count)
      }
      settle()
    })
  }

  // Calls back whoever waits for the lines logged so far, once they are written or dropped.
  function settle() {
    if (waiting.length === 0 || (batchLines + inFlight > 0 && !broken)) return
    const callbacks = waiting
    waiting = []
    for (const callback of callbacks) callback()
  }

  // What pino's logger.fatal() calls, and what runs at exit: the batch goes to stdout now. On a
  // pipe, Node tries the write at once and queues what the pipe cannot take; on a file or a
  // terminal, it writes at once. Neither can block on a log reader.
  function flushSync() {
    push()
  }

  const destination = {
    write(line: string) {
      if (broken || batch.length + stdout.writableLength + line.length > MAX_QUEUED) return drop(1)
      batch += line
      batchLines++
      if (batch.length >= MIN_BATCH) push()
    },
    flushSync,
    /** What pino's logger.flush() calls: the batch goes to stdout now. */
    flush(callback?: () => void) {
      if (callback) waiting.push(callback)
      push()
    },
    /** Resolves true once every line logged so far is written or dropped, or false after `ms`. */
    drain(ms: number) {
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ms)
        waiting.push(() => {
          clearTimeout(timer)
          resolve(true)
        })
        push()
      })
    },
    /** Lines dropped so far, and those still queued: what an exit now would lose. */
    get lost() {
      return dropped + batchLines + (stdout.writableLength > 0 ? inFlight : 0)
    },
  }
  return destination satisfies DestinationStream
}
