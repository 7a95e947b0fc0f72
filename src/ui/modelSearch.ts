/**
 * Search reference models by name: a combobox input with a listbox of matches (ARIA 1.2 pattern). Arrow keys move
 * the active option, Enter chooses it, Escape closes the list; a click chooses too. Names are set as text only.
 */

export interface SearchItem {
  readonly index: number;
  readonly name: string;
  readonly detail: string;
}

export interface ModelSearchOptions {
  readonly input: HTMLInputElement;
  readonly listbox: HTMLUListElement;
  readonly items: readonly SearchItem[];
  readonly onChoose: (index: number) => void;
  /** Most matches listed; default 12. */
  readonly limit?: number;
}

/** Items whose name (or detail) contains every word of the query, case-insensitively; names starting with it first. */
export function matchItems(items: readonly SearchItem[], query: string, limit: number): SearchItem[] {
  const words = query.toLowerCase().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return [];
  const matches = items.filter((item) => {
    const haystack = `${item.name} ${item.detail}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
  const first = words[0];
  return matches
    .sort((a, b) => Number(!a.name.toLowerCase().startsWith(first)) - Number(!b.name.toLowerCase().startsWith(first)) || a.name.localeCompare(b.name))
    .slice(0, limit);
}

export function attachModelSearch(options: ModelSearchOptions): { clear(): void } {
  const { input, listbox, items, onChoose } = options;
  const limit = options.limit ?? 12;
  let shown: SearchItem[] = [];
  let active = -1;

  const render = () => {
    listbox.replaceChildren(
      ...shown.map((item, k) => {
        const option = document.createElement('li');
        option.id = `${listbox.id}-option-${k}`;
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', String(k === active));
        option.dataset.index = String(item.index);
        const name = document.createElement('span');
        name.className = 'search-name';
        name.textContent = item.name;
        const detail = document.createElement('span');
        detail.className = 'search-detail';
        detail.textContent = item.detail;
        option.append(name, ' ', detail);
        option.addEventListener('mousedown', (event) => event.preventDefault());
        option.addEventListener('click', () => choose(k));
        return option;
      }),
    );
    if (shown.length === 0 && input.value.trim() !== '') {
      const none = document.createElement('li');
      none.className = 'search-none';
      none.setAttribute('role', 'presentation');
      none.textContent = 'No model matches.';
      listbox.append(none);
    }
    const open = input.value.trim() !== '';
    listbox.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
    if (active >= 0) {
      input.setAttribute('aria-activedescendant', `${listbox.id}-option-${active}`);
      listbox.children[active]?.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };

  const choose = (k: number) => {
    const item = shown[k];
    if (item === undefined) return;
    input.value = item.name;
    shown = [];
    active = -1;
    render();
    listbox.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    onChoose(item.index);
  };

  input.addEventListener('input', () => {
    shown = matchItems(items, input.value, limit);
    active = shown.length > 0 ? 0 : -1;
    render();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (shown.length === 0) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      active = (active + step + shown.length) % shown.length;
      render();
    } else if (event.key === 'Enter') {
      if (active < 0) return;
      event.preventDefault();
      choose(active);
    } else if (event.key === 'Escape') {
      if (listbox.hidden) return;
      event.preventDefault();
      shown = [];
      active = -1;
      listbox.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }
  });
  input.addEventListener('blur', () => {
    listbox.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  });

  return {
    clear() {
      input.value = '';
      shown = [];
      active = -1;
      render();
    },
  };
}
