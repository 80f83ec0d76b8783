// What the benchmark measures, its targets, and the table it prints and the README shows.

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

/** One figure over the rounds: the medians, and the per-round ratio app/baseline. */
export interface Summary extends Ratio {
  app: number
  baseline: number
}

/** GET / of bare Fastify logging as the app does, against bare Fastify and against the app. */
export interface LoggingSummary {
  getRps: number
  vsBaseline: Ratio
  appVsLogging: Ratio
}

export const metrics: { key: keyof Figures; label: string; goal?: string; met?: (s: Summary) => boolean }[] =
  [
    { key: 'getRps', label: 'GET / requests/s', goal: 'ratio ≥ 0.90', met: (s) => s.ratio >= 0.9 },
    { key: 'getP99Ms', label: 'GET / p99 latency, ms' },
    { key: 'postRps', label: 'POST /bench/echo requests/s' },
    { key: 'postP99Ms', label: 'POST /bench/echo p99 latency, ms' },
    {
      key: 'startupMs',
      label: 'spawn to first connection, ms',
      goal: 'ratio ≤ 1.15',
      met: (s) => s.ratio <= 1.15,
    },
    { key: 'shutdownMs', label: 'SIGTERM to exit, idle, ms', goal: 'app < 50 ms', met: (s) => s.app < 50 },
    { key: 'rssAfterWarmupMb', label: 'RSS after warm-up, MB' },
    {
      key: 'rssAfterLoadMb',
      label: 'RSS after fixed load, MB',
      goal: 'ratio ≤ 1.20',
      met: (s) => s.ratio <= 1.2,
    },
  ]

/** The summary as a Markdown table. */
export function table(summary: Record<keyof Figures, Summary>) {
  const rows = metrics.map(({ key, label, goal, met }) => {
    const s = summary[key]
    const verdict = met === undefined ? '' : `${goal}: ${(['missed', 'met'] as const)[Number(met(s))]}`
    return `| ${label} | ${figure(s.app)} | ${figure(s.baseline)} | ${s.ratio.toFixed(2)} | ${range(s)} | ${verdict} |`
  })
  return [
    '| Median of the rounds | App | Bare Fastify | Ratio | Ratio range | Target |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n')
}

function figure(value: number) {
  return value >= 100 ? Math.round(value).toString() : value.toFixed(value >= 10 ? 1 : 2)
}

/** What logging alone costs: the sentence under the table. */
export function loggingLine({ getRps, vsBaseline, appVsLogging }: LoggingSummary) {
  return [
    `Bare Fastify logging each request as the app does: GET / ${figure(getRps)} requests/s,`,
    `${vsBaseline.ratio.toFixed(2)} × bare Fastify (${range(vsBaseline)});`,
    `the app at ${appVsLogging.ratio.toFixed(2)} × that (${range(appVsLogging)}).`,
  ].join(' ')
}

function range({ ratioMin, ratioMax }: Ratio) {
  return `${ratioMin.toFixed(2)}–${ratioMax.toFixed(2)}`
}
