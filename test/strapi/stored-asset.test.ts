// What the Strapi field stores for a picked file, without Strapi: the mapping is plain data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assetList,
  fieldValue,
  focusAreaOf,
  storedAsset,
  thumbnailUrl,
} from '../../plugins/strapi/admin/stored-asset.mjs';

const file = {
  fileId: 'f1',
  url: 'https://media.example/blog/hero.jpg?updatedAt=1',
  filePath: '/blog/hero.jpg',
  name: 'hero.jpg',
  mime: 'image/jpeg',
  width: 1600,
  height: 900,
  description: 'A rocket at dawn',
  customCoordinates: '600,200,400,300',
  tags: ['launch'],
  AITags: null,
  size: 12345,
};

describe('the Strapi field’s stored asset', () => {
  it('keeps the fields a front end renders and nothing else', () => {
    assert.deepEqual(storedAsset(file), {
      fileId: 'f1',
      url: 'https://media.example/blog/hero.jpg?updatedAt=1',
      filePath: '/blog/hero.jpg',
      name: 'hero.jpg',
      mime: 'image/jpeg',
      width: 1600,
      height: 900,
      alt: 'A rocket at dawn',
      focusArea: { x: 600, y: 200, width: 400, height: 300 },
    });
  });

  it('keeps the alt text an editor wrote when the same file is picked again', () => {
    assert.equal(storedAsset(file, { alt: 'Edited' }).alt, 'Edited');
    assert.equal(storedAsset({ ...file, description: undefined }).alt, '');
  });

  it('has no focus area unless customCoordinates holds four numbers', () => {
    assert.equal(focusAreaOf(null), null);
    assert.equal(focusAreaOf(''), null);
    assert.equal(focusAreaOf('1,2,3'), null);
    assert.equal(focusAreaOf('1,2,x,4'), null);
    assert.deepEqual(focusAreaOf(' 0, 0 ,10,20'), { x: 0, y: 0, width: 10, height: 20 });
  });

  it('reads the field’s value in every shape Strapi may hand back', () => {
    const asset = storedAsset(file);
    assert.deepEqual(assetList(null), []);
    assert.deepEqual(assetList(asset), [asset]);
    assert.deepEqual(assetList([asset, { nope: true }]), [asset]);
    assert.deepEqual(assetList(JSON.stringify([asset])), [asset]);
    assert.deepEqual(assetList('not json'), []);
  });

  it('saves one asset (or null) for a single field and a list for a multiple one', () => {
    const asset = storedAsset(file);
    assert.equal(fieldValue([], false), null);
    assert.deepEqual(fieldValue([asset], false), asset);
    assert.deepEqual(fieldValue([asset], true), [asset]);
  });

  it('previews raster images through a transformation, and nothing else', () => {
    assert.equal(
      thumbnailUrl(storedAsset(file)),
      'https://media.example/blog/hero.jpg?updatedAt=1&tr=w-160%2Ch-160%2Cc-at_max',
    );
    assert.equal(thumbnailUrl({ url: 'https://media.example/a.pdf', mime: 'application/pdf' }), undefined);
    assert.equal(thumbnailUrl({ url: 'https://media.example/a.svg', mime: 'image/svg+xml' }), undefined);
  });
});
