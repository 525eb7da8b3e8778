import { describe, expect, it } from 'vitest';
import { checkCronShape } from './cronShape';

describe('checkCronShape', () => {
  it('accepts five fields and macros', () => {
    expect(checkCronShape(' */15  9-17 * * MON-FRI ')).toEqual({ ok: true, fields: ['*/15', '9-17', '*', '*', 'MON-FRI'] });
    expect(checkCronShape('@Daily')).toEqual({ ok: true, fields: ['@Daily'] });
  });
  it('names what is wrong', () => {
    expect(checkCronShape('* * * *')).toEqual({ ok: false, key: 'fieldCount', count: 4 });
    expect(checkCronShape('')).toEqual({ ok: false, key: 'fieldCount', count: 0 });
    expect(checkCronShape('* * * * ? ')).toEqual({ ok: false, key: 'badChars' });
    expect(checkCronShape('@sometimes')).toEqual({ ok: false, key: 'unknownMacro' });
  });
});
