/** How numbers read on the console's pages. */
export const count = (value: number | null | undefined): string =>
  value === null || value === undefined ? '–' : value.toLocaleString('en-US');

export const percent = (ratio: number | null | undefined, digits = 1): string =>
  ratio === null || ratio === undefined ? '–' : `${(ratio * 100).toFixed(digits)} %`;

export const ms = (value: number | null | undefined): string =>
  value === null || value === undefined
    ? '–'
    : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

export const hours = (value: number | null | undefined): string =>
  value === null || value === undefined ? '–' : `${value.toFixed(1)} h`;

export const money = (value: number | null | undefined, currency = 'USD'): string =>
  value === null || value === undefined
    ? '–'
    : value.toLocaleString('en-US', { style: 'currency', currency });

export const dateTime = (value: string | number | null | undefined): string =>
  value === null || value === undefined
    ? '–'
    : new Date(value).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
