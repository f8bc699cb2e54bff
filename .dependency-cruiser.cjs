// The layers, top to bottom (docs/architecture.md draws them): a module may import its own layer and
// those below it, never one above. `npm run lint:layers` checks it; CI runs it.
const LAYERS = [
  { name: 'app', path: '^app/' },
  { name: 'resolvers', path: '^resolvers/' },
  { name: 'http', path: '^src/(server|mxface-compat)/' },
  { name: 'graphql', path: '^src/graphql/' },
  { name: 'detection', path: '^src/(detection|video|compose)/' },
  { name: 'work', path: '^src/(providers|cache|access|image|crops)/' },
  { name: 'geometry', path: '^src/geometry/' },
  { name: 'foundation', path: '^src/(observability/|[^/]+$)' },
];

module.exports = {
  forbidden: [
    ...LAYERS.flatMap((layer, i) =>
      LAYERS.slice(0, i).map((above) => ({
        name: `${layer.name}-not-above`,
        comment: `${layer.name} sits below ${above.name}: it may not import it`,
        severity: 'error',
        from: { path: layer.path },
        to: { path: above.path },
      })),
    ),
    {
      name: 'service-not-tools',
      comment: 'the service never imports tests, the benchmark or tools (they are outside its build)',
      severity: 'error',
      from: { path: '^(app|src|resolvers)/' },
      to: { path: '^(test|bench|tools)/' },
    },
    { name: 'no-circular', severity: 'error', from: { path: '^(app|src|resolvers)/' }, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
