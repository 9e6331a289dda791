/**
 * One client spreading its reads over several gateways, `clients` at a time in turn, until it has sent
 * `total`: what each gateway accepted (200) and refused (429), and the documented error of a budget shared
 * through Redis (docs/security.md): what the client sends to the other gateways between two syncs.
 */
export async function spreadReads(options: {
  gateways: string[];
  headers: Record<string, string>;
  clients: number;
  total: number;
  syncMs: number;
}) {
  const { gateways, headers, clients, total } = options;
  const answers: { gateway: number; status: number }[] = [];
  const started = Date.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let n = c; answers.length < total; n += clients) {
        const gateway = n % gateways.length;
        const res = await fetch(`${gateways[gateway]}/resorts`, { headers });
        await res.arrayBuffer();
        answers.push({ gateway, status: res.status });
      }
    }),
  );
  const perSecond = answers.length / ((Date.now() - started) / 1000);
  const accepted = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status === 429);
  return {
    sent: answers.length,
    accepted: accepted.length,
    refused: refused.length,
    /** Answers neither 200 nor 429 (must be none). */
    other: answers.length - accepted.length - refused.length,
    perSecond: Math.round(perSecond),
    syncError: Math.ceil(perSecond * ((2 * options.syncMs) / 1000)),
    acceptedByGateway: gateways.map((_, g) => accepted.filter((a) => a.gateway === g).length),
    refusedByGateway: gateways.map((_, g) => refused.filter((a) => a.gateway === g).length),
  };
}
