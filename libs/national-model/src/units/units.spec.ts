import { isRec20Unit, toRec20Unit } from './units';

describe('units (UN/ECE Rec 20)', () => {
  it.each([
    ['kg', 'KGM'],
    ['Kg', 'KGM'],
    ['KG', 'KGM'],
    ['kilogam', 'KGM'],
    ['ki-lô-gam', 'KGM'],
    ['Ki-Lô-Gam'.normalize('NFD'), 'KGM'],
    ['g', 'GRM'],
    ['gam', 'GRM'],
    ['gram', 'GRM'],
    ['tấn', 'TNE'],
    ['tan', 'TNE'],
    ['lít', 'LTR'],
    ['lit', 'LTR'],
    ['l', 'LTR'],
    ['L', 'LTR'],
    ['ml', 'MLT'],
    ['cái', 'H87'],
    ['chiếc', 'H87'],
    ['con', 'H87'],
    ['quả', 'H87'],
    ['trái', 'H87'],
    ['hộp', 'BX'],
    ['thùng', 'CT'],
    ['bao', 'BG'],
    ['túi', 'BG'],
    ['gói', 'PK'],
    ['chai', 'BO'],
    ['lon', 'CA'],
    ['KGM', 'KGM'],
    ['kgm', 'KGM'],
    ['H87', 'H87'],
    [' MLT ', 'MLT'],
  ])('%s → %s', (text, code) => {
    expect(toRec20Unit(text)).toBe(code);
  });

  it('leaves tạ, yến, cân and nonsense unmapped', () => {
    for (const u of ['tạ', 'yến', 'cân', 'bó lúa', '']) expect(toRec20Unit(u)).toBeUndefined();
  });

  it('knows the codes', () => {
    expect(isRec20Unit('DZN')).toBe(true);
    expect(isRec20Unit('kg')).toBe(false);
  });
});
