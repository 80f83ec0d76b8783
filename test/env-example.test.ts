import { readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import t from 'tap'
import { ConfigSchema } from '../plugins/config.js'

const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')

t.test('.env.example sets every setting that has a default, to its default', async (t) => {
  const defaults = Object.entries(ConfigSchema.properties).flatMap(([name, schema]) =>
    'default' in schema ? [[name, String(schema.default)]] : [],
  )
  t.same(parseEnv(text), Object.fromEntries(defaults))
})

t.test('.env.example shows every setting without a default, commented out', async (t) => {
  for (const [name, schema] of Object.entries(ConfigSchema.properties)) {
    if (!('default' in schema)) t.match(text, new RegExp(`^# ${name}=$`, 'm'), name)
  }
})
