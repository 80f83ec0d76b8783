import type { Program } from './harness.js'

// What the benchmark measures, the programs it compares, its targets, and the tables it prints and
// docs/performance.md shows.

export interface Figures {
  getRps: number
  getP99Ms: number
  postRps: number
  postP99Ms: number
  startupMs: number
  shutdownMs: number
  rssAfterWarmupMb: number
  rssAfterLoadMb: number
}

/** A ratio over the rounds: its median and range. */
export interface Ratio {
  ratio: number
  ratioMin: number
  ratioMax: number
}

/** One figure over the rounds: each program's median, and the app's per-round ratio to each other. */
export interface Summary {
  medians: Partial<Record<Program, number>>
  vs: Partial<Record<Program, Ratio>>
}
type Summaries = Record<keyof Figures, Summary>

const programLabels: Record<Program, string> = {
  app: 'App',
  modules: 'App, not bundled',
  baseline: 'Bare Fastify',
  logger: 'Bare, `logger: true`',
  logging: "Bare, the app's log line",
  template: 'CLI template',
}

export const metrics: { key: keyof Figures; label: string }[] = [
  { key: 'getRps', label: 'GET / requests/s' },
  { key: 'getP99Ms', label: 'GET / p99 latency, ms' },
  { key: 'postRps', label: 'POST /bench/echo requests/s' },
  { key: 'postP99Ms', label: 'POST /bench/echo p99 latency, ms' },
  { key: 'startupMs', label: 'spawn to first connection, ms' },
  { key: 'shutdownMs', label: 'SIGTERM to exit, idle, ms' },
  { key: 'rssAfterWarmupMb', label: 'RSS after warm-up, MB' },
  { key: 'rssAfterLoadMb', label: 'RSS after fixed load, MB' },
]

// The app against the starter users compare it with, the CLI template, and against Fastify's own
// default logging; each a ratio app ÷ the other, its median over the rounds.
const targets: { label: string; key: keyof Figures; of: Program; met: (ratio: number) => boolean }[] = [
  { label: 'startup ≤ 0.9 × the CLI template', key: 'startupMs', of: 'template', met: (r) => r <= 0.9 },
  { label: 'startup ≤ 1.1 × bare `logger: true`', key: 'startupMs', of: 'logger', met: (r) => r <= 1.1 },
  { label: 'GET / requests/s ≥ the CLI template', key: 'getRps', of: 'template', met: (r) => r >= 1 },
  { label: 'RSS after load < the CLI template', key: 'rssAfterLoadMb', of: 'template', met: (r) => r < 1 },
  { label: 'SIGTERM to exit < the CLI template', key: 'shutdownMs', of: 'template', met: (r) => r < 1 },
]

/** The medians, the ratios, and the targets, as Markdown. */
export function tables(summaries: Summaries, programs: Program[]) {
  const others = programs.filter((program) => program !== 'app')
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`
  const head = (cells: string[]) => [row(cells), row(cells.map(() => '---'))]
  const medians = [
    ...head(['Median of the rounds', ...programs.map((program) => programLabels[program])]),
    ...metrics.map(({ key, label }) =>
      row([label, ...programs.map((program) => figure(summaries[key].medians[program]))]),
    ),
  ]
  const ratios = [
    ...head(['App ÷, median (range)', ...others.map((program) => programLabels[program])]),
    ...metrics.map(({ key, label }) =>
      row([label, ...others.map((program) => ratio(summaries[key].vs[program]))]),
    ),
  ]
  const verdicts = targets.map(({ label, key, of, met }) => {
    const vs = summaries[key].vs[of]
    if (vs === undefined) return `- ${label}: not measured in this run`
    return `- ${label}: ${ratio(vs)}, ${met(vs.ratio) ? 'met' : 'missed'}`
  })
  return [medians.join('\n'), ratios.join('\n'), `Targets:\n${verdicts.join('\n')}`].join('\n\n')
}

function figure(value: number | undefined) {
  if (value === undefined) return ''
  return value >= 100 ? Math.round(value).toString() : value.toFixed(value >= 10 ? 1 : 2)
}

function ratio(vs: Ratio | undefined) {
  if (vs === undefined) return ''
  return `${vs.ratio.toFixed(2)} (${vs.ratioMin.toFixed(2)}–${vs.ratioMax.toFixed(2)})`
}
