import { readFile } from 'node:fs/promises';
import type { ServerContext } from '../context.js';
import { readableImages } from '../media/probe.js';
import { renderTransformation, resolveOutputFormat } from '../media/render.js';
import {
  isConditional,
  parseTransformation,
  removesBackground,
  type Step,
  type Transformation,
} from '../media/transformation.js';
import type { FileRecord } from '../store/store.js';
import { invalidParameter } from './attributes.js';
import { assertMayRemoveBackground } from './background-removal.js';
import { asImageError, planDerived, referencesOf, renderDerived } from './delivery.js';
import type { StagedFile } from './staging.js';

/** An upload's `transformation` field as sent: `{ pre?, post? }`, its strings not yet parsed. */
export interface UploadTransformationRequest {
  pre?: string;
  post: string[];
}

/** ImageKit's post-transformation types this server does not run (video and streaming work). */
const unavailablePostTypes = new Set(['gif-to-video', 'thumbnail', 'abs']);

const invalid = (why: string) => invalidParameter('transformation', why);

/**
 * Reads the `transformation` field: `pre` a transformation string applied before the file is
 * stored, `post` a list of `{ type: 'transformation', value }` renditions rendered once it is.
 */
export function readUploadTransformation(raw: unknown): UploadTransformationRequest | undefined {
  if (raw === undefined) return undefined;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalid(
      'It must be a JSON object such as {"pre":"w-300","post":[{"type":"transformation","value":"w-100"}]}.',
    );
  }
  const { pre, post, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw invalid(`'${unknown}' is not one of pre, post.`);
  if (pre !== undefined && (typeof pre !== 'string' || pre.trim() === '')) {
    throw invalid('pre must be a transformation string such as w-300,h-300.');
  }
  if (post !== undefined && !Array.isArray(post)) throw invalid('post must be a JSON array.');
  const values: string[] = [];
  for (const item of (post ?? []) as unknown[]) {
    const { type, value } = (item && typeof item === 'object' ? item : {}) as {
      type?: unknown;
      value?: unknown;
    };
    if (typeof type === 'string' && unavailablePostTypes.has(type)) {
      throw invalid(`The post-transformation type '${type}' is not available on this server.`);
    }
    if (type !== 'transformation') throw invalid(`post[${values.length}].type must be 'transformation'.`);
    if (typeof value !== 'string' || value.trim() === '') {
      throw invalid(`post[${values.length}].value must be a transformation string such as w-100.`);
    }
    values.push(value.trim());
  }
  if (values.length > 10) throw invalid('post may list at most 10 transformations.');
  return { ...(typeof pre === 'string' && { pre: pre.trim() }), post: values };
}

/** The parsed chains, with named transformations expanded; a bad one is refused naming it. */
export interface UploadTransformations {
  pre?: Transformation;
  post: Transformation[];
}

export async function parseUploadTransformations(
  ctx: ServerContext,
  request: UploadTransformationRequest | undefined,
): Promise<UploadTransformations | undefined> {
  if (!request) return undefined;
  const named = await ctx.namedTransformations.current();
  const parse = (text: string, where: string) => {
    try {
      return parseTransformation(text, named, ctx.config.maxTransformSteps);
    } catch (error) {
      throw invalid(`${where}: ${(error as Error).message}`);
    }
  };
  const pre = request.pre === undefined ? undefined : parse(request.pre, 'pre');
  if (pre && hasLayers(pre.steps))
    throw invalid('pre: layers (l-…) are not available before a file is stored.');
  if (pre?.defaultImage) throw invalid('pre: di- does not apply to an upload.');
  if (pre && removesBackground(pre.steps))
    throw invalid(
      'pre: e-bgremove renders in delivery URLs and post transformations; to store the cut-out, use the remove-bg extension.',
    );
  const post = request.post.map((text, i) => parse(text, `post[${i}]`));
  // No remover here: refused with the upload, rather than a rendition that fails unseen.
  for (const t of post) assertMayRemoveBackground(ctx, t, []);
  return { ...(pre && { pre }), post };
}

function hasLayers(steps: readonly Step[]): boolean {
  return steps.some((step) =>
    isConditional(step) ? hasLayers(step.then) || hasLayers(step.otherwise) : (step.layers?.length ?? 0) > 0,
  );
}

/**
 * Applies `pre` to the staged bytes in place, in the render queue like any render, keeping the
 * format unless `f-` asks for another. Only images can be transformed before they are stored.
 */
export async function applyPreTransformation(
  ctx: ServerContext,
  staged: StagedFile,
  mime: string,
  pre: Transformation,
): Promise<void> {
  if (!readableImages.has(mime)) {
    throw invalid(`pre applies to images; this file is ${mime}.`);
  }
  const format = resolveOutputFormat(pre.output.format, mime, undefined);
  try {
    const bytes = await ctx.renderQueue.run(async () =>
      renderTransformation(
        { bytes: await readFile(staged.path), mime, customCoordinates: null },
        pre,
        format,
        {
          maxPixels: ctx.config.maxImagePixels,
          maxSize: ctx.config.maxTransformSize,
          maxOutputPixels: ctx.config.maxTransformPixels,
          memory: ctx.renderQueue,
        },
      ),
    );
    await staged.writeBuffer(bytes, ctx.config.maxUploadBytes);
  } catch (error) {
    throw asImageError(error);
  }
}

/**
 * Renders the `post` renditions of a stored file into the rendition cache, as delivery would
 * on first request. The file is stored either way: a rendition that fails is reported, not thrown.
 */
export async function prerenderPostTransformations(
  ctx: ServerContext,
  file: FileRecord,
  post: readonly Transformation[],
): Promise<void> {
  for (const t of post) {
    try {
      const references = await referencesOf(ctx, t);
      assertMayRemoveBackground(ctx, t, [file, ...references.values()]);
      const plan = await planDerived(file, t, undefined, references);
      await ctx.derivedImages.get(plan.key, file.blobKey, () =>
        ctx.renderQueue.run(() => renderDerived(ctx, file, t, plan)),
      );
    } catch (error) {
      ctx.derivedImages.onError(error);
    }
  }
}
