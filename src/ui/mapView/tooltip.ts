/**
 * The tooltip: rows of text set with textContent only (model names and families are untrusted), placed beside
 * the point and kept inside the stage.
 */
export interface TooltipContent {
  readonly title: string;
  readonly rows: ReadonlyArray<readonly [key: string, value: string]>;
}

export function showTooltip(tooltip: HTMLDivElement, content: TooltipContent, x: number, y: number, stageWidthPx: number, stageHeightPx: number): void {
  const document = tooltip.ownerDocument;
  const title = document.createElement('div');
  title.className = 'llmap-map-view__tooltip-name';
  title.textContent = content.title;
  const rows = content.rows.map(([key, value]) => {
    const row = document.createElement('div');
    const keyElement = document.createElement('span');
    keyElement.className = 'llmap-map-view__tooltip-key';
    keyElement.textContent = `${key}: `;
    const valueElement = document.createElement('span');
    valueElement.textContent = value;
    row.append(keyElement, valueElement);
    return row;
  });
  tooltip.replaceChildren(title, ...rows);
  tooltip.hidden = false;
  const width = tooltip.offsetWidth;
  const height = tooltip.offsetHeight;
  // Above and to the right of the point, so the point, its ring and the labels beside it stay visible.
  const gap = 12;
  const left = Math.min(Math.max(4, x + gap), Math.max(4, stageWidthPx - width - 4));
  const above = y - gap - height;
  const top = above >= 4 ? above : Math.min(y + gap, Math.max(4, stageHeightPx - height - 4));
  tooltip.style.left = `${left}px`;
  tooltip.style.top = `${top}px`;
}

export function hideTooltip(tooltip: HTMLDivElement): void {
  tooltip.hidden = true;
}

/** The tooltip's text as one string (title, then "key: value" rows): what the test and the live summary read. */
export function tooltipText(content: TooltipContent): string {
  return [content.title, ...content.rows.map(([key, value]) => `${key}: ${value}`)].join('; ');
}
