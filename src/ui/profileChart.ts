import { axisBottom, max, scaleBand, scaleLinear, select } from 'd3';
import type { DomainProfile } from '../core/profile.ts';
import { formatSignificant } from './mapView/format.ts';

/**
 * The per-domain profile of a placed model as a d3 bar chart: for each text category, the model's mean q (its
 * log-likelihood after removing its own overall level and the references' per-text mean), in nats per text. Bars
 * right of zero: the model finds that category likelier than the average reference does, relative to its other
 * texts; left: relatively weaker. Names are drawn with .text(), never as markup.
 */

const BAR_HEIGHT_PX = 18;
const LABEL_WIDTH_PX = 130;
const VALUE_WIDTH_PX = 90;
const WIDTH_PX = 560;

export function renderProfileChart(container: HTMLElement, profile: DomainProfile, categoryNames: readonly string[]): void {
  container.replaceChildren();
  const rows = categoryNames.map((name, c) => ({ name, mean: profile.meanQNatsByCategory[c], count: profile.textCountByCategory[c] }));
  const shown = rows.filter((row) => Number.isFinite(row.mean));
  const height = shown.length * (BAR_HEIGHT_PX + 6) + 34;
  const extent = max(shown, (row) => Math.abs(row.mean)) || 1;
  const x = scaleLinear().domain([-extent, extent]).range([LABEL_WIDTH_PX, WIDTH_PX - VALUE_WIDTH_PX - 10]).nice();
  const y = scaleBand<string>().domain(shown.map((row) => row.name)).range([4, height - 30]).padding(0.2);
  const strongest = profile.primaryCategory >= 0 ? categoryNames[profile.primaryCategory] : null;

  const svg = select(container)
    .append('svg')
    .attr('viewBox', `0 0 ${WIDTH_PX} ${height}`)
    .attr('width', '100%')
    .attr('role', 'img')
    .attr('class', 'profile-chart')
    .attr('data-testid', 'profile-chart');
  svg.append('title').text(`Per-domain profile: relatively strongest on ${strongest ?? 'no category'}.`);
  const bars = svg.selectAll('g.bar').data(shown).join('g').attr('class', 'bar').attr('transform', (row) => `translate(0, ${y(row.name)})`);
  bars
    .append('rect')
    .attr('x', (row) => Math.min(x(0), x(row.mean)))
    .attr('width', (row) => Math.max(1, Math.abs(x(row.mean) - x(0))))
    .attr('height', y.bandwidth())
    .attr('fill', (row) => (row.mean >= 0 ? '#1f6f5c' : '#b5542b'));
  bars
    .append('text')
    .attr('x', LABEL_WIDTH_PX - 6)
    .attr('y', y.bandwidth() / 2)
    .attr('dy', '0.35em')
    .attr('text-anchor', 'end')
    .attr('font-weight', (row) => (row.name === strongest ? 700 : 400))
    .text((row) => row.name);
  // Values in a column of their own on the right, so a long bar never runs into a label.
  bars
    .append('text')
    .attr('x', WIDTH_PX - 4)
    .attr('y', y.bandwidth() / 2)
    .attr('dy', '0.35em')
    .attr('text-anchor', 'end')
    .attr('class', 'profile-value')
    .text((row) => `${formatSignificant(row.mean)} (${row.count})`);
  svg.append('line').attr('x1', x(0)).attr('x2', x(0)).attr('y1', 0).attr('y2', height - 30).attr('stroke', '#4a5360');
  svg
    .append('g')
    .attr('transform', `translate(0, ${height - 28})`)
    .call(axisBottom(x).ticks(5).tickFormat((value) => formatSignificant(Number(value))))
    .call((axis) => axis.append('text').attr('x', (LABEL_WIDTH_PX + WIDTH_PX - VALUE_WIDTH_PX) / 2).attr('y', 26).attr('fill', 'currentColor').attr('text-anchor', 'middle').text('mean q, nats per text (texts scored)'));
}

/** The sentence under the chart: where the model is relatively strong and weak, and what that means. */
export function profileExplanation(profile: DomainProfile, categoryNames: readonly string[]): string {
  const rows = categoryNames.map((name, c) => ({ name, mean: profile.meanQNatsByCategory[c] })).filter((row) => Number.isFinite(row.mean));
  if (rows.length === 0) return 'No category has a scored text yet.';
  rows.sort((a, b) => b.mean - a.mean);
  const strong = rows[0];
  const weak = rows[rows.length - 1];
  return (
    `Relative to the reference models, this model finds ${strong.name} texts likeliest (+${formatSignificant(Math.max(strong.mean, 0))} nats per text) ` +
    `and ${weak.name} texts least likely (${formatSignificant(weak.mean)}). Its overall level is removed first, so the bars compare domains ` +
    'with each other: a bar right of zero means the model does better on that domain than the average reference does, relative to its other domains, ' +
    'not that it is good in absolute terms. In brackets: texts of that domain scored so far.'
  );
}
