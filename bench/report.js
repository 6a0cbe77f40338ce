// Turns the results into checks against the targets, and prints them as an aligned table.
const us = (value) => `${value.toFixed(1)} µs`;
const rate = (value) => `${Math.round(value).toLocaleString('en')} msg/s`;
const ratio = (value) => `${value.toFixed(2)}×`;

/** One row a figure; `pass` is undefined for figures shown without a target. */
export function checks({ natsBus, memoryBus, startup, modelAdapters, embeddedModels, ingestion }) {
  const { requestReply: rr, publish, publishAwaited } = natsBus;
  const p50Ratio = rr.ours.p50 / rr.raw.p50;
  const publishRatio = publish.ours / publish.raw;
  const awaitedRatio = publishAwaited.ours / publishAwaited.raw;
  const rssMb = Math.max(startup.rssReadyMb, startup.rssIdleMb);
  return [
    ...modelRows(modelAdapters, embeddedModels),
    ...ingestionRows(ingestion),
    {
      figure: 'NATS request/reply p50, ours vs raw',
      measured: `${us(rr.ours.p50)} vs ${us(rr.raw.p50)} = ${ratio(p50Ratio)}`,
      target: '≤ 1.1×',
      pass: p50Ratio <= 1.1,
    },
    {
      figure: 'NATS request/reply p99, ours vs raw',
      measured: `${us(rr.ours.p99)} vs ${us(rr.raw.p99)} = ${ratio(rr.ours.p99 / rr.raw.p99)}`,
      target: '—',
    },
    {
      figure: 'NATS publish delivered, ours vs raw',
      measured: `${rate(publish.ours)} vs ${rate(publish.raw)} = ${ratio(publishRatio)}`,
      target: '≥ 0.9×',
      pass: publishRatio >= 0.9,
    },
    {
      figure: 'NATS publish, awaited each, ours vs raw',
      measured: `${rate(publishAwaited.ours)} vs ${rate(publishAwaited.raw)} = ${ratio(awaitedRatio)}`,
      target: '≥ 0.9×',
      pass: awaitedRatio >= 0.9,
    },
    {
      figure: 'Embedded bus request/reply p50',
      measured: us(memoryBus.p50),
      target: '< 50 µs',
      pass: memoryBus.p50 < 50,
    },
    { figure: 'Embedded bus request/reply p99', measured: us(memoryBus.p99), target: '—' },
    {
      figure: '`homelab-ai up` to healthy',
      measured: `${Math.round(startup.readyMs)} ms`,
      target: '< 1 s',
      pass: startup.readyMs < 1_000,
    },
    {
      figure: 'RSS healthy / after 1 s idle',
      measured: `${startup.rssReadyMb.toFixed(0)} / ${startup.rssIdleMb.toFixed(0)} MB`,
      target: '< 150 MB',
      pass: rssMb < 150,
    },
    {
      figure: 'Exit 0 on SIGTERM',
      measured: `${startup.cleanExits}/${startup.runs.length} (${Math.round(startup.exitMs)} ms)`,
      target: 'all',
      pass: startup.cleanExits === startup.runs.length,
    },
  ];
}

export function table(rows) {
  const cells = [
    ['Figure', 'Measured', 'Target', ''],
    ...rows.map((row) => [
      row.figure,
      row.measured,
      row.target,
      row.pass === undefined ? '' : row.pass ? 'PASS' : 'FAIL',
    ]),
  ];
  const widths = cells[0].map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const line = (row) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

const ms = (microseconds) => `${(microseconds / 1000).toFixed(2)} ms`;

function modelRows(modelAdapters, embeddedModels) {
  const rows = Object.entries(modelAdapters ?? {}).map(([name, result]) => ({
    figure: `${name}: added p50 vs raw fetch`,
    measured: `${ms(result.ours.p50)} vs ${ms(result.raw.p50)} = +${ms(result.addedP50Us)}`,
    target: '≤ 1 ms',
    pass: result.addedP50Us <= 1_000,
  }));
  for (const [figure, value] of Object.entries(embeddedModels ?? {})) {
    rows.push({ figure, measured: value, target: '—' });
  }
  return rows;
}

function ingestionRows(ingestion) {
  if (!ingestion) return [];
  return ingestion.map((row) => ({
    figure: row.figure,
    measured: row.measured,
    target: row.target ?? '—',
    ...(row.pass === undefined ? {} : { pass: row.pass }),
  }));
}
