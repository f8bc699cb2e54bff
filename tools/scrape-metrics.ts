// A service's Prometheus metrics read back, for tests and the bench.
/** The values of these series in a service's /metrics, in the order asked (0 for a series with no sample yet). */
export async function scrapeMetrics(baseUrl: string, series: readonly string[], headers: Record<string, string> = {}): Promise<number[]> {
  const lines = (await (await fetch(`${baseUrl}/metrics`, { headers })).text()).split('\n');
  return series.map((name) => {
    const line = lines.find((l) => l.startsWith(`${name} `));
    return line ? Number(line.slice(name.length + 1)) : 0;
  });
}
