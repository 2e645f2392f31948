// The house plan, checked by `npm run lint`: no import cycles (type-only imports included), and each engine layer
// imports only from the layers before it. The table is CONTRIBUTING.md's; change both together.
const LAYERS = [
  // [folders of this layer, folders it may import from (besides itself)]
  [['core'], []],
  [['api'], ['core']],
  [['store'], ['core', 'api']],
  [['index'], ['core', 'api']],
  [['lexical'], ['core', 'api']],
  [['map'], ['core', 'api']],
  [['models'], ['core', 'api']],
  [['embed'], ['core', 'api', 'store', 'models']],
  [['rerank'], ['core', 'api', 'store', 'models']],
];
const FOUNDATIONS = ['core', 'api', 'store', 'index', 'lexical', 'map', 'models', 'embed', 'rerank'];
const DOMAINS = ['ingest', 'retrieve', 'privacy', 'backup', 'eval', 'answers'];
// eval measures retrieval and answers build on its context assembly: both may use retrieve.
const USES_RETRIEVE = ['eval', 'answers'];
for (const domain of DOMAINS)
  LAYERS.push([[domain], USES_RETRIEVE.includes(domain) ? [...FOUNDATIONS, 'retrieve'] : FOUNDATIONS]);
LAYERS.push([['library'], [...FOUNDATIONS, ...DOMAINS]]);
LAYERS.push([['settings'], [...FOUNDATIONS, ...DOMAINS, 'library']]);
LAYERS.push([['services'], [...FOUNDATIONS, ...DOMAINS, 'library', 'settings']]);

const NOT_A_TEST = '\\.test\\.tsx?$';

const layerRules = LAYERS.map(([folders, allowed]) => ({
  name: `engine-layer-${folders[0]}`,
  comment: `src/engine/${folders[0]}/ may import only from ${allowed.length ? allowed.join(', ') : 'nothing else in the engine'}.`,
  severity: 'error',
  from: { path: `^src/engine/(${folders.join('|')})/`, pathNot: NOT_A_TEST },
  to: { path: '^src/engine/', pathNot: `^src/engine/(${[...folders, ...allowed].join('|')})/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle (type-only imports count): the layers must form a tree a newcomer can read top-down.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'one-service-per-file',
      comment: 'A service is one capability; it never calls another service (engine.ts composes them).',
      severity: 'error',
      from: { path: '^src/engine/services/([^/]+)$', pathNot: NOT_A_TEST },
      to: { path: '^src/engine/services/', pathNot: '^src/engine/services/$1$' },
    },
    {
      name: 'testing-only-in-tests',
      comment: 'Test data generators never ship: only tests and benchmarks import src/engine/testing/.',
      severity: 'error',
      from: { path: '^src/', pathNot: [NOT_A_TEST, '^src/engine/testing/'] },
      to: { path: '^src/engine/testing/' },
    },
    {
      name: 'engine-has-no-ui',
      comment: 'The engine runs in the worker and in Node: no React, no UI, no worker glue.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: ['^src/(ui|worker|sw|cli)/', '^node_modules/(react|react-dom|comlink)/'] },
    },
    {
      name: 'ui-through-the-api',
      comment:
        'The UI sees the engine only through its contract (src/engine/api/, types) and src/engine/public.ts (values).',
      severity: 'error',
      from: { path: '^src/(ui|main\\.tsx)' },
      to: { path: '^src/engine/', pathNot: ['^src/engine/api/', '^src/engine/public\\.ts$'] },
    },
    {
      name: 'ui-api-types-only',
      comment: 'The contract is type-only for the page: values come from src/engine/public.ts.',
      severity: 'error',
      from: { path: '^src/(ui|main\\.tsx)' },
      to: { path: '^src/engine/api/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'ui-components-are-shared',
      comment: 'Shared presentational pieces import nothing else from the UI.',
      severity: 'error',
      from: { path: '^src/ui/components/', pathNot: NOT_A_TEST },
      to: { path: '^src/ui/', pathNot: '^src/ui/components/' },
    },
    {
      name: 'features-stand-alone',
      comment: 'A feature never imports another feature; what two share goes to components/ or client/.',
      severity: 'error',
      from: { path: '^src/ui/features/([^/]+)/' },
      to: { path: '^src/ui/features/', pathNot: '^src/ui/features/$1/' },
    },
    {
      name: 'ui-below-app',
      comment: 'Only the app shell (src/ui/app/) composes features.',
      severity: 'error',
      from: { path: '^src/ui/(client|components|features)/' },
      to: { path: '^src/ui/app/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist', 'node_modules', '^bench/\\.cache/'] }, // bench/.cache: builds the benchmarks made
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.mts', '.mjs', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
