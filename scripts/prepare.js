// npm runs `prepare` after `npm install` and `npm ci`. A development install compiles the server,
// so that `npm start` works at once, and rebuilds tap with the plugins package.json names (tap
// rebuilds itself only after the first run, which would fail). A production install
// (`--omit=dev`) has neither TypeScript nor tap and needs neither: it runs what was compiled.
import { execSync } from 'node:child_process'

try {
  import.meta.resolve('typescript')
} catch {
  process.exit(0)
}
execSync('npm run build && tap build', { stdio: 'inherit' })
