import { readDecimalText } from './decimal-text';

describe('readDecimalText (Vietnamese notation by default)', () => {
  it('reads "1.500" as one thousand five hundred and says it is ambiguous', () => {
    expect(readDecimalText('1.500')).toEqual({ value: 1500, alternative: 1.5 });
    expect(readDecimalText('1,500')).toEqual({ value: 1.5, alternative: 1500 });
    expect(readDecimalText('-12.345')).toEqual({ value: -12345, alternative: -12.345 });
  });

  it('reads what only one notation can mean without a doubt', () => {
    expect(readDecimalText('1.234,5')).toEqual({ value: 1234.5 });
    expect(readDecimalText('1,234.5')).toEqual({ value: 1234.5 });
    expect(readDecimalText('1.234.567')).toEqual({ value: 1234567 });
    expect(readDecimalText('1,234,567')).toEqual({ value: 1234567 });
    expect(readDecimalText('2,5')).toEqual({ value: 2.5 });
    expect(readDecimalText('2.5')).toEqual({ value: 2.5 });
    expect(readDecimalText('0.500')).toEqual({ value: 0.5 });
    expect(readDecimalText('1234.5')).toEqual({ value: 1234.5 });
    expect(readDecimalText('1 500')).toEqual({ value: 1500 });
    expect(readDecimalText('42')).toEqual({ value: 42 });
  });

  it('follows the caller when the decimal mark is given', () => {
    expect(readDecimalText('1.500', '.')).toEqual({ value: 1.5 });
    expect(readDecimalText('1.500', ',')).toEqual({ value: 1500 });
    expect(readDecimalText('1,500', '.')).toEqual({ value: 1500 });
  });

  it('refuses text that is not a number', () => {
    for (const bad of ['', 'abc', '1.23.4', '1,2,3', '12 kg', '.', '1..2'])
      expect({ bad, read: readDecimalText(bad) }).toEqual({ bad, read: undefined });
  });
});
