import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import t from 'tap'
import { startServer } from '../server-process.js'

// npm run test:browser: the docs page and the first page in a real browser, Debian's Chromium
// (`apt-get install chromium`), as a person would use them, under the app's Content-Security-Policy.
// Not part of `npm test`: a fresh machine has no browser.

const server = await startServer(t)
const base = `http://127.0.0.1:${server.port}`
const userDataDir = mkdtempSync(join(tmpdir(), 'chromium-'))
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})
t.teardown(async () => {
  await context.close()
  rmSync(userDataDir, { recursive: true, force: true })
})

// Whatever the page's Content-Security-Policy refuses, and any error a script throws.
const violations: string[] = []
await context.addInitScript({
  content: `document.addEventListener('securitypolicyviolation', (event) =>
    console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI))`,
})
const page = await context.newPage()
page.on('console', (message) => {
  if (message.type() === 'error') violations.push(message.text())
})
page.on('pageerror', (error) => violations.push(error.message))

t.test('/docs lists every route of the OpenAPI document', async (t) => {
  const { paths } = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: object }
  await page.goto(`${base}/docs`)
  await page.locator('.opblock').first().waitFor()
  const shown = await page
    .locator('.opblock-summary-path')
    .evaluateAll((spans) => spans.map((span) => span.getAttribute('data-path')))
  for (const path of Object.keys(paths)) t.ok(shown.includes(path), `${path} is on the page`)
})

t.test('GET /health, tried from the page, answers 200', async (t) => {
  const operation = page.locator('.opblock-get', { has: page.locator('[data-path="/health"]') })
  await operation.locator('.opblock-summary').click()
  await operation.getByRole('button', { name: 'Try it out' }).click()
  await operation.getByRole('button', { name: 'Execute' }).click()
  const status = operation.locator('.live-responses-table .response .response-col_status')
  await status.waitFor()
  t.equal((await status.textContent())?.trim(), '200')
})

t.test('/, opened as a person would, names the service and leads to the docs', async (t) => {
  await page.goto(base)
  t.equal(await page.title(), 'fastify-starter')
  for (const href of ['/docs', '/health', '/ready'])
    t.equal(await page.locator(`a[href="${href}"]`).count(), 1, href)
  await page.locator('a[href="/docs"]').click()
  await page.locator('.opblock').first().waitFor()
  t.match(page.url(), /\/docs/)
})

t.test('nothing was refused by the Content-Security-Policy, and no script failed', async (t) => {
  t.same(violations, [])
})
