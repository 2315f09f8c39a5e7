// A QR code as an SVG element built with DOM calls (no markup strings, so nothing to escape and
// nothing the CSP has to allow). The encoder is the `qrcode` package's core, bundled at build.
import { create } from 'qrcode/lib/core/qrcode.js';

const SVG = 'http://www.w3.org/2000/svg';
/** Quiet zone in modules (the standard asks for 4). */
const MARGIN = 4;

export function qrSvg(text: string, label: string): SVGSVGElement {
  const { modules } = create(text, { errorCorrectionLevel: 'L' });
  const n = modules.size;
  const side = n + 2 * MARGIN;
  let d = '';
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) if (modules.get(y, x)) d += `M${x + MARGIN} ${y + MARGIN}h1v1h-1z`;
  }
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${side} ${side}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const bg = document.createElementNS(SVG, 'rect');
  bg.setAttribute('width', String(side));
  bg.setAttribute('height', String(side));
  bg.setAttribute('fill', '#fff');
  const dots = document.createElementNS(SVG, 'path');
  dots.setAttribute('d', d);
  dots.setAttribute('fill', '#000');
  svg.append(bg, dots);
  return svg;
}
