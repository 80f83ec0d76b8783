import { parentPort, workerData } from 'node:worker_threads'
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

// The embedded database's thread (see embedded-database.ts): PGlite runs PostgreSQL as WebAssembly,
// synchronously, so in the app's own thread its first start (several seconds) and every query would
// stall the event loop. PGlite is one session: the socket server runs the queries of its connections
// one at a time, in that session, so the pool keeps to one connection (two are allowed, as a closed
// connection may not be gone yet when the next one arrives).
// PostgreSQL's default 128 MB of shared buffers would take this process past the load shedding's
// OVERLOAD_RSS: a development database needs far less.
const startParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB']
const db = await PGlite.create(workerData.dir, { startParams })
// Creating a database takes its thread's memory to 700 MB, which WebAssembly never gives back: a
// folder is created in a thread of its own, which then ends, and served from another.
if (workerData.task === 'create') {
  await db.close()
  process.exit(0)
}
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 2 })
await server.start()
parentPort?.postMessage({ port: Number(server.getServerConn().split(':').pop()) })
parentPort?.once('message', async () => {
  await server.stop()
  await db.close()
  parentPort?.close()
})
