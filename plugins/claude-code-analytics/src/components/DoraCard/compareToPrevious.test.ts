import { compareToPrevious } from './compareToPrevious';

describe('compareToPrevious', () => {
  it('judges a rise as better when higher is better, and as worse otherwise', () => {
    expect(compareToPrevious(10.5, 7, 'higher')).toEqual({
      difference: 3.5,
      verdict: 'better',
    });
    expect(compareToPrevious(0.08, 0.05, 'lower')).toEqual({
      difference: 0.08 - 0.05,
      verdict: 'worse',
    });
  });

  it('judges a fall as better when lower is better, and as worse otherwise', () => {
    expect(compareToPrevious(2.5, 4, 'lower')).toEqual({
      difference: -1.5,
      verdict: 'better',
    });
    expect(compareToPrevious(3, 7, 'higher')).toEqual({
      difference: -4,
      verdict: 'worse',
    });
  });

  it('calls an equal value unchanged', () => {
    expect(compareToPrevious(0.04, 0.04, 'lower')).toEqual({
      difference: 0,
      verdict: 'unchanged',
    });
  });

  it('has no change when either period has no value', () => {
    expect(compareToPrevious(2.5, undefined, 'lower')).toBeUndefined();
    expect(compareToPrevious(undefined, 4, 'lower')).toBeUndefined();
  });
});
