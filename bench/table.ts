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

/** One figure over the rounds: the medians, and the median and range of the per-round ratios. */
export interface Summary {
  app: number
  baseline: number
  ratio: number
  ratioMin: number
  ratioMax: number
}

export const metrics: { key: keyof Figures; label: string; goal?: string; met?: (s: Summary) => boolean }[] =
  [
    { key: 'getRps', label: 'GET / requests/s', goal: 'ratio ≥ 0.90', met: (s) => s.ratio >= 0.9 },
    { key: 'getP99Ms', label: 'GET / p99 latency, ms' },
    { key: 'postRps', label: 'POST /todos requests/s' },
    { key: 'postP99Ms', label: 'POST /todos p99 latency, ms' },
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
    const range = `${s.ratioMin.toFixed(2)}–${s.ratioMax.toFixed(2)}`
    return `| ${label} | ${figure(s.app)} | ${figure(s.baseline)} | ${s.ratio.toFixed(2)} | ${range} | ${verdict} |`
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
