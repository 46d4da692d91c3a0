/**
 * Terminal width of text, for layout in any language: a CJK character takes two columns, so
 * a column or a wrap measured with `.length` breaks in Chinese. One implementation, in
 * src/ui/text.ts (string-width underneath); this is where code outside the UI takes it from.
 */
export { textWidth, padEnd, truncate, wrapText, hardWrap } from '../ui/text.js';
