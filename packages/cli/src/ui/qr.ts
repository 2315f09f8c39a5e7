// A QR code drawn with half blocks, two modules a character row, for a terminal to show.
import QRCode from 'qrcode';

/** The QR code for `text` as terminal text (light modules as spaces, with a quiet zone). */
export async function terminalQr(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'L' });
}

/** Show the QR only where a person can scan it: a terminal wide enough, not a pipe. */
export function qrFits(text: string, stream: NodeJS.WriteStream = process.stdout): boolean {
  if (!stream.isTTY) return false;
  try {
    const modules = QRCode.create(text, { errorCorrectionLevel: 'L' }).modules.size + 4;
    return modules <= (stream.columns ?? 80);
  } catch {
    return false;
  }
}
