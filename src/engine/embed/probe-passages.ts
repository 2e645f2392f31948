// Passages the speed probe embeds: shaped like the chunks a library produces (a paragraph or two of prose, a code
// block, a table row, a list), so a device's measured rate is the rate it will show on real ingest. Sentences of a
// few words would flatter WebGPU's per-call overhead away and hide how attention cost grows with length.

export const PROBE_PASSAGES: readonly string[] = Object.freeze([
  'Sourdough starts with a culture of wild yeast and lactic acid bacteria. Feed it equal weights of flour and ' +
    'water every day, keep it at room temperature, and it doubles within six to eight hours once it is active. ' +
    'A ripe starter smells sour and slightly fruity; if it smells of acetone, it is hungry and should be fed more ' +
    'often. Bakers in warm kitchens often keep the starter in the refrigerator between bakes and feed it weekly.',
  'To configure the connection pool, set max_connections in the server configuration and restart the service. ' +
    'Each connection reserves memory for sorting and hashing (work_mem), so a pool that is too large can exhaust ' +
    'the machine under load. A common starting point is twice the number of CPU cores plus the number of disks; ' +
    'measure the latency of typical queries before and after any change, and keep the previous settings at hand.',
  'function debounce(fn, wait) {\n  let timer;\n  return (...args) => {\n    clearTimeout(timer);\n' +
    '    timer = setTimeout(() => fn(...args), wait);\n  };\n}\n' +
    'Debouncing delays a call until the input has been quiet for the given time, so a search box does not ' +
    'query the server on every keystroke.',
  'The treaty was signed in 1648 after four years of negotiation in two cities, Münster and Osnabrück. It ended ' +
    'a war that had lasted thirty years and reshaped the map of central Europe: territories changed hands, the ' +
    'independence of the Dutch Republic was recognised, and the principle that each ruler decides the religion ' +
    'of their own state was confirmed. Historians still debate how much of the modern state system it created.',
  '| Model | Dimensions | Size | Languages |\n| --- | --- | --- | --- |\n| small | 384 | 34 MB | English |\n' +
    '| base | 768 | 110 MB | English |\n| multilingual | 384 | 118 MB | about 100 |\n' +
    'Larger models are slower to load and to run but usually rank better on long, technical queries.',
  'Symptoms of iron deficiency include tiredness, shortness of breath on exertion, pale skin and brittle nails. ' +
    'A blood test measures haemoglobin and ferritin; low ferritin shows that the body’s stores are depleted even ' +
    'before anaemia develops. Treatment usually starts with oral supplements taken on an empty stomach, together ' +
    'with vitamin C, and the blood test is repeated after two to three months to see whether the stores recover.',
  'Installation:\n- Download the archive for your platform and unpack it.\n- Add the bin folder to your PATH.\n' +
    '- Run the setup command once; it creates a configuration file in your home folder.\n' +
    '- Check the installation with the version command.\nIf the command is not found, open a new terminal so the ' +
    'changed PATH takes effect.',
  'Interest rates rose for the third time this year as the central bank tried to slow inflation, which has stayed ' +
    'above its target for eighteen months. Mortgage payments for households on variable rates will increase next ' +
    'month, while savers may finally see better returns. Economists are divided on whether further rises will be ' +
    'needed, and the bank said its next decision would depend on wage growth and energy prices over the winter.',
]);

/** `count` probe passages (the fixed set repeated); repeats are fine, nothing caches passage vectors. */
export function probePassages(count: number): string[] {
  return Array.from({ length: count }, (_, i) => PROBE_PASSAGES[i % PROBE_PASSAGES.length]);
}
