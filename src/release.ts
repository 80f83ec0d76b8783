import { redacted } from '../plugins/config.js'
import { buildApp } from './app.js'

// The release phase (the Procfile's `release:` line), a one-off admin process in the twelve-factor
// sense: it builds the app from the environment exactly as the server does, without listening,
// prints the configuration it got, secrets redacted, then applies the database migrations. A
// configuration the server would refuse, or a migration that fails, exits 1, so the platform stops
// the release before any web process boots with it.
try {
  const app = await buildApp({ env: process.env, envFile: '.env' })
  await app.ready()
  console.log(JSON.stringify(redacted(app.config), null, 2))
  console.log(`Migrations applied to the database: ${(await app.db.migrate()).join(', ') || 'none'}`)
  await app.close()
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
