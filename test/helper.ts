import { Writable } from 'node:stream'
import { pino } from 'pino'
import type { Test } from 'tap'
import { type AppOptions, buildApp } from '../src/app.js'
import { loggerOptions } from '../src/logger.js'

// Builds the app as the server does, minus the socket, and closes it after the test.
export async function build(t: Test, options: AppOptions = {}) {
  const app = await buildApp({ ...options, env: { ...withoutLoadShedding, ...options.env } })
  t.teardown(() => app.close())
  return app
}

/** A logger configured as the server's, whose lines land in `lines`, parsed. */
export function captureLogs() {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()))
      done()
    },
  })
  return { logger: pino(loggerOptions, stream), lines }
}

/**
 * Load shedding turned off, unless a test turns it on: on a loaded machine (a shared CI runner, the
 * suite's own processes) the event loop of a test's app can lag a second behind, and the app would
 * rightly shed the test's requests. test/plugins/under-pressure.test.ts tests the shedding itself.
 */
export const withoutLoadShedding = {
  OVERLOAD_EVENT_LOOP_DELAY: '0',
  OVERLOAD_RSS: '0',
  OVERLOAD_HEAP_USED: '0',
}

/** A request id of the app's own (plugins/request-id.ts): the process's prefix, a dash, a counter. */
export const ownRequestId = /^[0-9a-f]{16}-[0-9a-z]+$/
