// npm runs `prepare` after `npm install` and `npm ci`. `npm install` is a person setting up or adding a
// dependency: compile the server, so that `npm start` works at once. `npm ci` is CI or a platform's
// build, which compiles by itself (`npm test`, `npm run build`): compiling here too would do it twice.
// A production install (`--omit=dev`) has no TypeScript and needs none: it runs what was compiled.
import { execSync } from 'node:child_process'

if (process.env.npm_command === 'install' && canResolve('typescript')) {
  execSync('npm run build', { stdio: 'inherit' })
}

function canResolve(name) {
  try {
    import.meta.resolve(name)
    return true
  } catch {
    return false
  }
}
