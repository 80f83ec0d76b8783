import { Writable } from 'node:stream'
import { pino } from 'pino'
import type { Test } from 'tap'
import { type AppOptions, buildApp } from '../src/app.js'
import { loggerOptions } from '../src/logger.js'

// Builds the app as the server does, minus the socket, and closes it after the test.
export async function build(t: Test, options: AppOptions = {}) {
  const app = await buildApp(options)
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
