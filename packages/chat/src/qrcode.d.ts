// The `qrcode` package's encoder core, which has no types of its own (@types/qrcode covers the
// package's front door, which would also bundle its canvas renderers).
declare module 'qrcode/lib/core/qrcode.js' {
  export function create(
    text: string,
    options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' },
  ): { modules: { size: number; get(row: number, col: number): number | boolean } };
}
