import createError from '@fastify/error'

// Every error the app creates, declared once with its code. Their messages are written for the
// person who reads the log line: what went wrong and what to do about it.

export const InvalidConfigError = createError('APP_INVALID_CONFIG', 'Invalid configuration: %s')

export const PortInUseError = createError(
  'APP_PORT_IN_USE',
  'Port %s is already in use by another process (on macOS the AirPlay Receiver listens on 5000): stop that process or set PORT to a free port',
)

export const PortForbiddenError = createError(
  'APP_PORT_FORBIDDEN',
  'Port %s needs privileges this process does not have (ports below 1024 usually do): set PORT to 1024 or above',
)

export const ListenError = createError('APP_LISTEN_FAILED', 'Cannot listen on %s port %s: %s')

export const TodoNotFoundError = createError('APP_TODO_NOT_FOUND', 'No todo has the id %s', 404)

export const RequestTimeoutError = createError('APP_REQUEST_TIMEOUT', 'No answer within %s ms', 503)
