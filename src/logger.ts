import type { LoggerOptions } from 'pino'

// Credentials must never reach the logs, wherever a handler or plugin puts the headers.
const secretHeaders = ['authorization', 'cookie', '["set-cookie"]', '["proxy-authorization"]']

export const loggerOptions: LoggerOptions = {
  redact: {
    paths: secretHeaders.flatMap((header) => [`headers.${header}`, `*.headers.${header}`]),
    censor: '[redacted]',
  },
}
