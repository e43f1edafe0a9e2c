import sharp, { type Sharp } from 'sharp';
import { badRequest } from '../errors.js';
import { encode, type OutputFormat } from './render.js';
import { isConditional, parseTransformation, type Transformation } from './transformation.js';

/**
 * The editing panel's operations, applied in order to the image as the previous one left it.
 * Unlike URL transformations they change the stored file, so each is checked against the
 * image's size at that point and refused with a message naming the operation.
 */
export type EditOperation =
  | { type: 'crop'; x: number; y: number; width: number; height: number }
  | { type: 'rotate'; angle: 90 | 180 | 270 }
  | { type: 'flip'; direction: 'horizontal' | 'vertical' }
  | { type: 'resize'; width?: number; height?: number }
  | { type: 'format'; format: EditFormat; quality?: number }
  /** Drawn as on delivery: `r-`, `bg-` and layers (`l-text`, `l-image`, `l-solid`), which keep the size. */
  | { type: 'layers'; transformation: string; parsed: Transformation };

export const editFormats = ['jpg', 'png', 'webp', 'avif'] as const;
export type EditFormat = (typeof editFormats)[number];

export const maxOperations = 50;

const operationTypes = ['crop', 'rotate', 'flip', 'resize', 'format', 'layers'];

/** What a `layers` operation may hold: what draws over the image and leaves its size alone. */
const drawingKeys = new Set(['radius', 'background', 'layers']);
const maxLayersText = 4000;

interface Size {
  width: number;
  height: number;
}

export interface EditPlan {
  operations: EditOperation[];
  /** The format chosen by a `format` operation, if any (the last one wins). */
  format?: OutputFormat;
  quality?: number;
  /** Size of the result. */
  width: number;
  height: number;
  /** Crops, rotations and resizes move pixels: custom coordinates no longer point where they did. */
  movesPixels: boolean;
}

const formatOf: Record<EditFormat, OutputFormat> = { jpg: 'jpeg', png: 'png', webp: 'webp', avif: 'avif' };

/**
 * Validates `operations` (as sent) against an image of `size`, following each operation's
 * effect on the size; `maxSize` bounds every width and height.
 */
export function planEdits(operations: unknown, size: Size, maxSize: number): EditPlan {
  if (!Array.isArray(operations) || operations.length === 0) {
    throw badRequest('Send operations: a non-empty array such as [{"type":"rotate","angle":90}].', {
      reason: 'INVALID_PARAMETER',
    });
  }
  if (operations.length > maxOperations) {
    throw badRequest(`Send at most ${maxOperations} operations in one edit.`, {
      reason: 'INVALID_PARAMETER',
    });
  }
  let { width, height } = size;
  const plan: EditPlan = { operations: [], width, height, movesPixels: false };
  operations.forEach((raw: unknown, index) => {
    const fail = (why: string) =>
      badRequest(`operations[${index}]${typeLabel(raw)}: ${why}`, { reason: 'INVALID_OPERATION' });
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      throw fail('each operation is an object with a type.');
    const op = raw as Record<string, unknown>;
    const int = (name: string, min: number, max: number, optional = false): number | undefined => {
      const value = op[name];
      if (value === undefined && optional) return undefined;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        throw fail(
          `${name} must be a whole number from ${min} to ${max}${value === undefined ? '' : `, not ${JSON.stringify(value)}`}.`,
        );
      }
      return value;
    };
    switch (op.type) {
      case 'crop': {
        const x = int('x', 0, width - 1)!;
        const y = int('y', 0, height - 1)!;
        const w = int('width', 1, width - x)!;
        const h = int('height', 1, height - y)!;
        plan.operations.push({ type: 'crop', x, y, width: w, height: h });
        [width, height] = [w, h];
        plan.movesPixels = true;
        return;
      }
      case 'rotate': {
        if (op.angle !== 90 && op.angle !== 180 && op.angle !== 270)
          throw fail('angle must be 90, 180 or 270 (clockwise).');
        plan.operations.push({ type: 'rotate', angle: op.angle });
        if (op.angle !== 180) [width, height] = [height, width];
        plan.movesPixels = true;
        return;
      }
      case 'flip':
        if (op.direction !== 'horizontal' && op.direction !== 'vertical') {
          throw fail('direction must be horizontal or vertical.');
        }
        plan.operations.push({ type: 'flip', direction: op.direction });
        plan.movesPixels = true;
        return;
      case 'resize': {
        const w = int('width', 1, maxSize, true);
        const h = int('height', 1, maxSize, true);
        if (w === undefined && h === undefined)
          throw fail('give width, height or both (both stretch to exactly that size).');
        const next = {
          width: w ?? Math.max(1, Math.round((width * h!) / height)),
          height: h ?? Math.max(1, Math.round((height * w!) / width)),
        };
        if (next.width > maxSize || next.height > maxSize) {
          throw fail(
            `the result would be ${next.width}×${next.height}; this server makes images up to ${maxSize} pixels wide and high.`,
          );
        }
        plan.operations.push({ type: 'resize', ...next });
        ({ width, height } = next);
        plan.movesPixels = true;
        return;
      }
      case 'format': {
        if (!(editFormats as readonly unknown[]).includes(op.format))
          throw fail(`format must be one of ${editFormats.join(', ')}.`);
        const quality = int('quality', 1, 100, true);
        plan.operations.push({
          type: 'format',
          format: op.format as EditFormat,
          ...(quality !== undefined && { quality }),
        });
        plan.format = formatOf[op.format as EditFormat];
        if (quality !== undefined) plan.quality = quality;
        return;
      }
      case 'layers': {
        const text = op.transformation;
        if (typeof text !== 'string' || text.trim() === '' || text.length > maxLayersText)
          throw fail(
            `transformation must be the URL's tr text (up to ${maxLayersText} characters), such as "l-text,i-Hi,l-end".`,
          );
        let parsed: Transformation;
        try {
          parsed = parseTransformation(text, new Map());
        } catch (error) {
          throw fail(error instanceof Error ? error.message : String(error));
        }
        const stray = parsed.steps
          .flatMap((step) => (isConditional(step) ? ['if-'] : Object.keys(step)))
          .find((key) => !drawingKeys.has(key));
        const output =
          Object.keys(parsed.output).length > 0 || parsed.page !== undefined || parsed.defaultImage;
        if (stray || output || parsed.original || parsed.video)
          throw fail(
            `transformation may hold only r-, bg- and layers (l-text, l-image, l-solid), which keep the size${stray ? `, not ${stray}` : ''}; crop, resize and format are operations of their own.`,
          );
        plan.operations.push({ type: 'layers', transformation: text, parsed });
        return;
      }
      default:
        throw fail(`type must be one of ${operationTypes.join(', ')}.`);
    }
  });
  plan.width = width;
  plan.height = height;
  return plan;
}

function typeLabel(raw: unknown): string {
  const type = raw && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
  return typeof type === 'string' && operationTypes.includes(type) ? ` (${type})` : '';
}

/**
 * Applies a plan: each operation on the pixels the previous one produced (raw in between, so
 * the order is exactly as sent), then one encode.
 */
export async function applyEdits(
  input: Buffer,
  plan: EditPlan,
  format: OutputFormat,
  maxPixels: number,
  draw: (png: Buffer, t: Transformation) => Promise<Buffer> = () => {
    throw new Error('layers need a renderer');
  },
): Promise<Buffer> {
  const options = { limitInputPixels: maxPixels, failOn: 'error' as const };
  let image: Sharp = sharp(input, options).autoOrient();
  for (const op of plan.operations) {
    if (op.type === 'format') continue;
    if (op.type === 'crop')
      image = image.extract({ left: op.x, top: op.y, width: op.width, height: op.height });
    else if (op.type === 'rotate') image = image.rotate(op.angle);
    else if (op.type === 'flip') image = op.direction === 'horizontal' ? image.flop() : image.flip();
    // The delivery renderer draws layers; it reads an image, so it gets the pixels so far as PNG.
    else if (op.type === 'layers')
      image = sharp(await draw(await image.png().toBuffer(), op.parsed), options);
    else image = image.resize({ width: op.width!, height: op.height!, fit: 'fill' });
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    image = sharp(data, {
      raw: { width: info.width, height: info.height, channels: info.channels },
      limitInputPixels: maxPixels,
    });
  }
  const output = { ...(plan.quality !== undefined && { quality: plan.quality }) };
  return encode(image, format, output, plan.width * plan.height).toBuffer();
}
