/**
 * 24-bit colours to the 256-colour palette, in the terminal's output stream. xterm.js's DOM
 * renderer draws a palette colour with a class, but a 24-bit one with a `style` attribute, which
 * our CSP blocks (each blocked attribute also costs a violation report: ~10× slower rendering).
 * Agents' TUIs use 24-bit colour throughout, so when attributes are blocked their SGR sequences
 * (`ESC[38;2;R;G;Bm`, `48;…` background, `58;…` underline, also the `:` forms) are rewritten to
 * the nearest palette colour (`38;5;N`). Sequences split across chunks are held back until whole.
 */

const CUBE = [0, 95, 135, 175, 215, 255] as const;

const cubeIndex = (v: number): number => (v < 48 ? 0 : v < 115 ? 1 : Math.min(5, Math.floor((v - 35) / 40)));
const square = (n: number): number => n * n;

/** The nearest of the palette's colour cube (16–231) and grey ramp (232–255), as tmux picks it. */
export function rgbTo256(r: number, g: number, b: number): number {
  const [cr, cg, cb] = [cubeIndex(r), cubeIndex(g), cubeIndex(b)];
  const cube = 16 + 36 * cr + 6 * cg + cb;
  const cubeDistance = square(r - CUBE[cr]!) + square(g - CUBE[cg]!) + square(b - CUBE[cb]!);
  const average = (r + g + b) / 3;
  const grey = average > 238 ? 23 : Math.max(0, Math.round((average - 8) / 10));
  const level = 8 + 10 * grey;
  const greyDistance = square(r - level) + square(g - level) + square(b - level);
  return greyDistance < cubeDistance ? 232 + grey : cube;
}

const clampByte = (text: string | undefined): number => {
  const n = Number(text);
  return Number.isFinite(n) ? Math.min(255, Math.max(0, Math.round(n))) : 0;
};

const COLOR_KEYS = new Set(['38', '48', '58']);

/** The parameters of one SGR sequence (between `ESC[` and `m`), with 24-bit colours replaced. */
export function downsampleSgr(params: string): string {
  const parts = params.split(';');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.includes(':')) {
      const sub = part.split(':');
      if (COLOR_KEYS.has(sub[0]!) && sub[1] === '2') {
        // 38:2:R:G:B, or 38:2:<colour space>:R:G:B (ITU T.416, the space usually empty).
        const rgb = sub.length >= 6 ? sub.slice(3, 6) : sub.slice(2, 5);
        out.push(`${sub[0]}:5:${rgbTo256(clampByte(rgb[0]), clampByte(rgb[1]), clampByte(rgb[2]))}`);
      } else {
        out.push(part);
      }
      continue;
    }
    if (COLOR_KEYS.has(part) && parts[i + 1] === '2' && i + 4 < parts.length) {
      out.push(part, '5', String(rgbTo256(clampByte(parts[i + 2]), clampByte(parts[i + 3]), clampByte(parts[i + 4]))));
      i += 4;
      continue;
    }
    if (COLOR_KEYS.has(part) && parts[i + 1] === '5' && i + 2 < parts.length) {
      // Already a palette colour; skipped whole so its index is not read as an attribute.
      out.push(part, '5', parts[i + 2]!);
      i += 2;
      continue;
    }
    out.push(part);
  }
  return out.join(';');
}

const ESC = String.fromCharCode(27);
/** A whole SGR sequence: ESC [ parameters m. */
const SGR = new RegExp(`${ESC}\\[([0-9;:]*)m`, 'g');
/** An escape sequence cut off at the end of a chunk: ESC, or ESC[ with parameters and no final byte. */
const PARTIAL = new RegExp(`${ESC}(\\[[0-9;:]*)?$`);
const MAX_HELD = 64;

export function createTruecolorDownsampler() {
  let held = '';
  return {
    push(chunk: string): string {
      let data = held + chunk;
      held = '';
      const partial = PARTIAL.exec(data);
      if (partial !== null && data.length - partial.index <= MAX_HELD) {
        held = data.slice(partial.index);
        data = data.slice(0, partial.index);
      }
      if (!data.includes(`${ESC}[`)) return data;
      return data.replace(SGR, (whole, params: string) => (/(^|[;:])[345]8[;:]2/.test(params) ? `${ESC}[${downsampleSgr(params)}m` : whole));
    },
    reset() {
      held = '';
    },
  };
}
