import sharp from 'sharp';
import type { CustomMetadataFieldSchema, CustomMetadataValue } from '../shared/wire.js';
import type { ServerContext } from './context.js';
import { systemActor } from './library/audit.js';
import { blobKeyFor, commitWithBlobs } from './library/blobs.js';
import { applyCustomMetadata } from './library/custom-metadata.js';
import { createCustomMetadataField } from './library/custom-metadata-fields.js';
import { ensureFolderChain } from './library/folders.js';
import { newId } from './library/ids.js';
import { listCatalog } from './library/listing.js';
import { StagedFile } from './library/staging.js';
import { newFileVersion } from './library/versions.js';
import { probeFile } from './media/probe.js';

/**
 * A realistic sample library for demos and trying things out: about 300 generated images in
 * nested folders (landscapes, products, campaign banners, portraits, logos with transparency),
 * a few PDFs, tags, custom metadata, alt text, EXIF and dates spread over two years. The same
 * every time (a seeded random sequence), so screenshots and tests can rely on it.
 */

type Kind = 'landscape' | 'product' | 'banner' | 'portrait' | 'abstract' | 'logo' | 'square';

interface FolderPlan {
  folder: string;
  count: number;
  kind: Kind;
  names: string[];
  tags: string[];
  metadata?: (index: number, pick: Picker) => Record<string, CustomMetadataValue>;
}

type Picker = <T>(items: readonly T[]) => T;

const fields: Array<{ name: string; label: string; schema: CustomMetadataFieldSchema }> = [
  { name: 'photographer', label: 'Photographer', schema: { type: 'Text' } },
  {
    name: 'license',
    label: 'License',
    schema: {
      type: 'SingleSelect',
      selectOptions: ['Royalty-free', 'Rights-managed', 'Editorial', 'Internal'],
    },
  },
  { name: 'approved', label: 'Approved', schema: { type: 'Boolean' } },
  { name: 'campaign', label: 'Campaign', schema: { type: 'Text' } },
  { name: 'price', label: 'Price', schema: { type: 'Number', minValue: 0 } },
  { name: 'sku', label: 'SKU', schema: { type: 'Text' } },
];

const photographers = [
  'Ana Ruiz',
  'Kenji Watanabe',
  'Lea Fischer',
  'Omar Haddad',
  'Priya Nair',
  'Tom Becker',
];
const licenses = ['Royalty-free', 'Rights-managed', 'Editorial', 'Internal'] as const;
const photo = (pick: Picker) => ({
  photographer: pick(photographers),
  license: pick(licenses),
  approved: pick([true, true, false]),
});

const plans: FolderPlan[] = [
  {
    folder: '/',
    count: 4,
    kind: 'abstract',
    names: ['cover', 'placeholder', 'hero-default', 'og-image'],
    tags: ['default', 'website'],
  },
  {
    folder: '/brand/logos',
    count: 8,
    kind: 'logo',
    names: [
      'logo-primary',
      'logo-mono',
      'logo-inverted',
      'mark',
      'mark-small',
      'wordmark',
      'favicon',
      'app-icon',
    ],
    tags: ['logo', 'brand'],
    metadata: () => ({ license: 'Internal', approved: true }),
  },
  {
    folder: '/brand/photography',
    count: 30,
    kind: 'landscape',
    names: [
      'mountain-lake',
      'alpine-sunrise',
      'coastal-cliffs',
      'desert-dunes',
      'forest-trail',
      'misty-valley',
      'glacier-view',
      'canyon-dusk',
    ],
    tags: ['landscape', 'nature', 'outdoor'],
    metadata: (_i, pick) => photo(pick),
  },
  {
    folder: '/campaigns/2024/summer-sale',
    count: 25,
    kind: 'banner',
    names: ['summer-sale-hero', 'beach-banner', 'sale-40-off', 'sunny-days', 'summer-newsletter'],
    tags: ['campaign', 'summer', 'sale', 'banner'],
    metadata: (_i, pick) => ({ ...photo(pick), campaign: 'Summer Sale 2024' }),
  },
  {
    folder: '/campaigns/2024/black-friday',
    count: 20,
    kind: 'banner',
    names: ['black-friday-hero', 'countdown', 'doorbuster', 'cyber-week', 'bf-email-header'],
    tags: ['campaign', 'black-friday', 'sale', 'banner'],
    metadata: (_i, pick) => ({ ...photo(pick), campaign: 'Black Friday 2024' }),
  },
  {
    folder: '/campaigns/2025/spring-launch',
    count: 25,
    kind: 'abstract',
    names: ['spring-launch-hero', 'bloom', 'new-collection', 'pastel-wave', 'launch-teaser'],
    tags: ['campaign', 'spring', 'launch'],
    metadata: (_i, pick) => ({ ...photo(pick), campaign: 'Spring Launch 2025' }),
  },
  {
    folder: '/products/shoes',
    count: 30,
    kind: 'product',
    names: ['red-sneaker', 'trail-runner', 'leather-boot', 'canvas-low', 'court-classic', 'slip-on'],
    tags: ['product', 'shoes', 'studio'],
    metadata: (i, pick) => ({
      sku: `SH-${1000 + i}`,
      price: pick([49, 59, 79, 89, 119, 149]),
      approved: true,
    }),
  },
  {
    folder: '/products/bags',
    count: 25,
    kind: 'product',
    names: ['tote-bag', 'weekender', 'crossbody', 'backpack', 'laptop-sleeve'],
    tags: ['product', 'bags', 'studio'],
    metadata: (i, pick) => ({
      sku: `BG-${2000 + i}`,
      price: pick([39, 69, 99, 129, 189]),
      approved: pick([true, false]),
    }),
  },
  {
    folder: '/products/accessories',
    count: 20,
    kind: 'product',
    names: ['sunglasses', 'watch', 'scarf', 'cap', 'wallet'],
    tags: ['product', 'accessories', 'studio'],
    metadata: (i, pick) => ({ sku: `AC-${3000 + i}`, price: pick([19, 29, 45, 75, 210]) }),
  },
  {
    folder: '/blog/2024',
    count: 30,
    kind: 'landscape',
    names: ['travel-diary', 'weekend-escape', 'city-guide', 'road-trip', 'behind-the-scenes'],
    tags: ['blog', 'editorial'],
    metadata: (_i, pick) => photo(pick),
  },
  {
    folder: '/blog/2025',
    count: 25,
    kind: 'abstract',
    names: ['year-ahead', 'design-notes', 'color-study', 'studio-tour', 'interview'],
    tags: ['blog', 'editorial'],
    metadata: (_i, pick) => photo(pick),
  },
  {
    folder: '/team',
    count: 16,
    kind: 'portrait',
    names: ['alex', 'maria', 'jonas', 'sofia', 'liam', 'yuki', 'noah', 'emma'],
    tags: ['team', 'portrait', 'people'],
    metadata: (_i, pick) => ({ photographer: pick(photographers), license: 'Internal' }),
  },
  {
    folder: '/social/instagram',
    count: 30,
    kind: 'square',
    names: ['post', 'story-cover', 'carousel', 'quote-card', 'giveaway'],
    tags: ['social', 'instagram'],
    metadata: (_i, pick) => ({ approved: pick([true, true, false]) }),
  },
  {
    folder: '/social/banners',
    count: 12,
    kind: 'banner',
    names: ['twitter-header', 'linkedin-cover', 'youtube-art', 'facebook-cover'],
    tags: ['social', 'banner'],
  },
];

const documents = [
  { name: 'brand-guidelines.pdf', title: 'Brand Guidelines', tags: ['brand', 'guidelines'] },
  { name: 'price-list-2025.pdf', title: 'Price List 2025', tags: ['pricing'] },
  { name: 'press-kit.pdf', title: 'Press Kit', tags: ['press'] },
  { name: 'product-catalog.pdf', title: 'Product Catalog', tags: ['product', 'catalog'] },
  { name: 'terms-of-use.pdf', title: 'Terms of Use', tags: ['legal'] },
];

const sizes: Record<Kind, [number, number]> = {
  landscape: [1200, 800],
  product: [1000, 1000],
  banner: [1600, 600],
  portrait: [800, 1000],
  abstract: [1200, 900],
  logo: [512, 512],
  square: [1080, 1080],
};

const palettes = [
  ['#0f172a', '#f97316', '#fde68a'],
  ['#1e3a8a', '#60a5fa', '#e0f2fe'],
  ['#14532d', '#4ade80', '#ecfccb'],
  ['#4c1d95', '#c084fc', '#fae8ff'],
  ['#7f1d1d', '#f87171', '#fee2e2'],
  ['#134e4a', '#2dd4bf', '#ccfbf1'],
  ['#78350f', '#fbbf24', '#fef3c7'],
  ['#1f2937', '#9ca3af', '#f9fafb'],
] as const;

/** Deterministic pseudo-random numbers (an LCG), so every seed makes the same library. */
function randomSequence(seed: number): { next: () => number; pick: Picker } {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return { next, pick: (items) => items[Math.floor(next() * items.length)]! };
}

function svgImage(kind: Kind, index: number, next: () => number): string {
  const [w, h] = sizes[kind];
  const [dark, mid, light] = palettes[index % palettes.length]!;
  const r = (n: number) => Math.round(n * next());
  const open = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`;
  switch (kind) {
    case 'landscape': {
      const ridge = (base: number, amp: number) => {
        let d = `M0 ${h}`;
        for (let x = 0; x <= w; x += w / 8) d += ` L${x} ${base - r(amp)}`;
        return `${d} L${w} ${h} Z`;
      };
      return `${open}<defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${light}"/><stop offset="1" stop-color="${mid}"/></linearGradient></defs>
        <rect width="${w}" height="${h}" fill="url(#s)"/><circle cx="${200 + r(w - 400)}" cy="${120 + r(h / 4)}" r="${50 + r(40)}" fill="#fff" opacity="0.85"/>
        <path d="${ridge(h * 0.62, h * 0.3)}" fill="${mid}" opacity="0.7"/><path d="${ridge(h * 0.78, h * 0.2)}" fill="${dark}" opacity="0.85"/>
        <path d="${ridge(h * 0.95, h * 0.12)}" fill="${dark}"/></svg>`;
    }
    case 'product': {
      const body = `<rect x="${w * 0.22}" y="${h * 0.3}" width="${w * 0.56}" height="${h * 0.38}" rx="${60 + r(60)}" fill="${mid}"/>
        <rect x="${w * 0.3}" y="${h * 0.24}" width="${w * 0.3}" height="${h * 0.14}" rx="40" fill="${dark}"/>`;
      return `${open}<rect width="${w}" height="${h}" fill="${light}"/><ellipse cx="${w / 2}" cy="${h * 0.74}" rx="${w * 0.3}" ry="${h * 0.04}" fill="#000" opacity="0.12"/>${body}</svg>`;
    }
    case 'banner':
      return `${open}<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${dark}"/><stop offset="1" stop-color="${mid}"/></linearGradient></defs>
        <rect width="${w}" height="${h}" fill="url(#g)"/>${Array.from({ length: 6 }, (_, i) => `<circle cx="${r(w)}" cy="${r(h)}" r="${40 + r(160)}" fill="${i % 2 ? light : mid}" opacity="0.25"/>`).join('')}
        <rect x="${w * 0.08}" y="${h * 0.38}" width="${w * 0.42}" height="${h * 0.1}" rx="12" fill="#fff" opacity="0.9"/><rect x="${w * 0.08}" y="${h * 0.54}" width="${w * 0.24}" height="${h * 0.07}" rx="12" fill="${light}"/></svg>`;
    case 'portrait':
      return `${open}<rect width="${w}" height="${h}" fill="${light}"/><circle cx="${w / 2}" cy="${h * 0.4}" r="${w * 0.18}" fill="${mid}"/>
        <path d="M${w * 0.18} ${h} C${w * 0.2} ${h * 0.68} ${w * 0.8} ${h * 0.68} ${w * 0.82} ${h} Z" fill="${dark}"/></svg>`;
    case 'logo':
      return `${open}<g transform="translate(${w / 2} ${h / 2}) rotate(${r(90)})"><rect x="-150" y="-150" width="300" height="300" rx="${40 + r(100)}" fill="${mid}"/>
        <circle r="${70 + r(40)}" fill="${index % 3 === 1 ? '#111' : dark}"/></g></svg>`;
    default:
      return `${open}<rect width="${w}" height="${h}" fill="${light}"/>${Array.from({ length: 9 }, (_, i) => {
        const color = [dark, mid, light][i % 3];
        return i % 2
          ? `<rect x="${r(w)}" y="${r(h)}" width="${80 + r(w / 2)}" height="${80 + r(h / 2)}" rx="${r(60)}" fill="${color}" opacity="0.8" transform="rotate(${r(40) - 20})"/>`
          : `<circle cx="${r(w)}" cy="${r(h)}" r="${40 + r(w / 4)}" fill="${color}" opacity="0.75"/>`;
      }).join('')}</svg>`;
  }
}

async function renderImage(
  kind: Kind,
  index: number,
  next: () => number,
  artist: string | undefined,
): Promise<Buffer> {
  const image = sharp(Buffer.from(svgImage(kind, index, next)));
  if (kind === 'logo') return image.png().toBuffer();
  const exif = { IFD0: { Copyright: 'Sample library', ...(artist && { Artist: artist }) } };
  return image.jpeg({ quality: 82 }).withExif(exif).toBuffer();
}

/** A one-page PDF with a title and a few lines of text (Helvetica, no fonts embedded). */
export function samplePdf(title: string, lines: string[]): Buffer {
  const pdfString = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`);
  const text = [
    `BT /F1 28 Tf 72 720 Td (${pdfString(title)}) Tj ET`,
    ...lines.map((line, i) => `BT /F1 12 Tf 72 ${680 - i * 18} Td (${pdfString(line)}) Tj ET`),
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf);
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf);
}

const day = 86_400_000;

export interface SeedOptions {
  /** Told how far it got: `(done, total)`. */
  onProgress?: (done: number, total: number) => void;
  /** Seed even when the library already has files. */
  force?: boolean;
  now?: number;
}

/** Whether the library holds no file and no folder yet. */
export async function libraryIsEmpty(ctx: Pick<ServerContext, 'store'>): Promise<boolean> {
  const any = await listCatalog(ctx.store, {
    include: { folders: true, files: true, versions: false },
    sort: { column: 'createdAt', direction: 'asc' },
    limit: 1,
    skip: 0,
  });
  return any.length === 0;
}

/**
 * Fills the library with the sample content. Answers how many files it added (0 when the
 * library was not empty and `force` was not set).
 */
/** What seeding needs of the server: it writes through the catalog and blob storage directly. */
export type SeedContext = Pick<ServerContext, 'config' | 'store' | 'storage' | 'stagingDir'>;

export async function seedSampleLibrary(ctx: SeedContext, options: SeedOptions = {}): Promise<number> {
  if (!options.force && !(await libraryIsEmpty(ctx))) return 0;
  const now = options.now ?? Date.now();
  const { next, pick } = randomSequence(20240501);
  const existing = await ctx.store.customMetadataFields.list(true);
  for (const field of fields) {
    if (!existing.some((f) => f.name === field.name))
      await createCustomMetadataField(ctx, field, systemActor);
  }
  const fieldRecords = await ctx.store.customMetadataFields.list(false);
  const total = plans.reduce((sum, plan) => sum + plan.count, 0) + documents.length;
  let done = 0;
  const folderTime = now - 800 * day;

  // Most files are months old; some are from this week, so the date filters find something.
  const age = () => {
    const roll = next();
    if (roll < 0.08) return Math.floor(next() * day);
    if (roll < 0.2) return Math.floor(next() * 7 * day);
    if (roll < 0.4) return Math.floor(next() * 60 * day);
    return Math.floor(next() * 730 * day);
  };

  // Drawn in the loop, never after an await, so concurrent adds keep the sequence deterministic.
  const dates = () => {
    const createdAt = now - age();
    return {
      createdAt,
      updatedAt: next() < 0.3 ? createdAt + Math.floor(next() * (now - createdAt)) : createdAt,
    };
  };

  const add = async (input: {
    folder: string;
    name: string;
    bytes: Buffer;
    tags: string[];
    metadata: Record<string, CustomMetadataValue>;
    description?: string;
    createdAt: number;
    updatedAt: number;
  }) => {
    const { createdAt, updatedAt } = input;
    const staged = new StagedFile(ctx.stagingDir);
    try {
      await staged.writeBuffer(input.bytes, ctx.config.maxUploadBytes);
      const probed = await probeFile(staged.path, staged.head, input.name, ctx.config.maxImagePixels);
      const versionId = newId(createdAt);
      const blobKey = blobKeyFor(versionId);
      const folder = input.folder === '/' ? '/' : `${input.folder}/`;
      const record = newFileVersion(
        { versionId, blobKey, size: staged.size, ...probed },
        { folder, name: input.name },
        createdAt,
        {
          tags: input.tags,
          customMetadata: applyCustomMetadata({}, input.metadata, fieldRecords, 'create'),
          description: input.description ?? null,
          updatedAt,
        },
      );
      await commitWithBlobs(
        ctx,
        [blobKey],
        () => ctx.storage.putFile(blobKey, staged.path),
        async (store) => {
          await ensureFolderChain(store, folder, folderTime);
          await store.files.insertVersion(record);
        },
      );
    } finally {
      await staged.discard();
    }
    done++;
    options.onProgress?.(done, total);
  };

  let index = 0;
  for (const plan of plans) {
    const jobs: Array<Promise<void>> = [];
    for (let i = 0; i < plan.count; i++) {
      const base = plan.names[i % plan.names.length]!;
      const round = Math.floor(i / plan.names.length);
      const name = `${base}${round ? `-${String(round + 1).padStart(2, '0')}` : ''}.${plan.kind === 'logo' ? 'png' : 'jpg'}`;
      const metadata = plan.metadata?.(i, pick) ?? {};
      const artist = typeof metadata.photographer === 'string' ? metadata.photographer : undefined;
      const tags = [
        ...plan.tags,
        ...(next() < 0.5 ? [pick(['featured', 'hero', 'archive', 'new', 'favorite'])] : []),
      ];
      const description = `${base.replaceAll('-', ' ')} (${plan.tags[0]})`;
      // The picture is drawn (and the sequence advanced) now; sharp encodes it in the background.
      const rendering = renderImage(plan.kind, index++, next, artist);
      const file = { folder: plan.folder, name, tags, metadata, description, ...dates() };
      jobs.push(rendering.then((bytes) => add({ ...file, bytes })));
      // A few at a time: sharp works on the thread pool while the catalog writes.
      if (jobs.length >= 4) await Promise.all(jobs.splice(0));
    }
    await Promise.all(jobs);
  }
  for (const doc of documents) {
    const bytes = samplePdf(doc.title, [
      'Sample document generated by media-library seed.',
      `Tags: ${doc.tags.join(', ')}`,
    ]);
    await add({
      folder: '/documents',
      name: doc.name,
      bytes,
      tags: doc.tags,
      metadata: { license: 'Internal' },
      ...dates(),
    });
  }
  return done;
}
