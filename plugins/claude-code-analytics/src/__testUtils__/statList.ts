import { screen } from '@testing-library/react';

/** The descriptions (dd) that follow a labelled number (dt) of a card. */
export function statDescriptions(label: string): Element[] {
  const term = screen.getByText(label, { selector: 'dt' });
  const descriptions: Element[] = [];
  for (
    let element = term.nextElementSibling;
    element?.tagName === 'DD';
    element = element.nextElementSibling
  ) {
    descriptions.push(element);
  }
  return descriptions;
}

/** The values shown for a labelled number of a card. */
export function statValues(label: string): string[] {
  return statDescriptions(label).map(element => element.textContent ?? '');
}
