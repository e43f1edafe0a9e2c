import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('custom metadata fields', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const create = (json: unknown) => server.api('/v1/customMetadataFields', { method: 'POST', json });

  it('creates a field of every type and lists them', async () => {
    const fields = [
      { name: 'headline', label: 'Headline', schema: { type: 'Text', minLength: 2, maxLength: 40 } },
      { name: 'notes', label: 'Notes', schema: { type: 'TextArea' } },
      { name: 'price', label: 'Price', schema: { type: 'Number', minValue: 1000, maxValue: 3000 } },
      { name: 'shot', label: 'Shot on', schema: { type: 'Date', minValue: '2000-01-01' } },
      {
        name: 'approved',
        label: 'Approved',
        schema: { type: 'Boolean', isValueRequired: true, defaultValue: false },
      },
      {
        name: 'size',
        label: 'Size',
        schema: { type: 'SingleSelect', selectOptions: ['S', 'M', 'L', 30, true] },
      },
      {
        name: 'channels',
        label: 'Channels',
        schema: { type: 'MultiSelect', selectOptions: ['web', 'print'] },
      },
    ];
    for (const field of fields) {
      const response = await create(field);
      assert.equal(response.status, 201, JSON.stringify(await response.clone().json()));
      const body = await response.json();
      assert.match(body.id, /^[0-9a-f]{24}$/);
      assert.equal(body.name, field.name);
    }
    const listed = await (await server.api('/v1/customMetadataFields')).json();
    assert.deepEqual(
      listed.map((f: { name: string }) => f.name),
      fields.map((f) => f.name),
    );
    assert.equal(listed[1].schema.type, 'Textarea', 'TextArea is stored as ImageKit’s canonical Textarea');
  });

  it('applies defaults on upload and validates values against each schema', async () => {
    const uploaded = await uploadPng(server, {
      customMetadata: JSON.stringify({
        headline: 'Hi there',
        channels: ['web'],
        size: 30,
        shot: '2020-05-01',
      }),
      responseFields: 'customMetadata,selectedFieldsSchema',
    });
    assert.deepEqual(uploaded.customMetadata, {
      headline: 'Hi there',
      channels: ['web'],
      size: 30,
      shot: '2020-05-01',
      approved: false,
    });
    assert.deepEqual(Object.keys(uploaded.selectedFieldsSchema as object).sort(), [
      'approved',
      'channels',
      'headline',
      'shot',
      'size',
    ]);
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ headline: 'H' }, /'headline' must be at least 2 characters/],
      [{ price: 999 }, /'price' must be at least 1000/],
      [{ shot: 'yesterday' }, /'shot' must be an ISO 8601 date/],
      [{ shot: '1999-12-31' }, /'shot' must be at least 2000-01-01/],
      [{ approved: 'yes' }, /'approved' must be true or false/],
      [{ size: 'XL' }, /'size' must be one of/],
      [{ channels: ['tv'] }, /'channels' must be a list of values from/],
      [{ approved: null }, /'approved' is required and cannot be removed/],
    ];
    for (const [customMetadata, why] of bad) {
      const response = await server.api(`/v1/files/${uploaded.fileId}/details`, {
        method: 'PATCH',
        json: { customMetadata },
      });
      assert.equal(response.status, 400, JSON.stringify(customMetadata));
      const body = await response.json();
      assert.match(body.message, why);
      assert.ok(body.errors[Object.keys(customMetadata)[0]!], 'errors is keyed by the field');
    }
  });

  it('refuses duplicate names (even deleted ones) and live duplicate labels', async () => {
    assert.equal((await create({ name: 'dup', label: 'Dup', schema: { type: 'Text' } })).status, 201);
    const sameName = await create({ name: 'dup', label: 'Other', schema: { type: 'Text' } });
    assert.equal(sameName.status, 400);
    assert.equal((await sameName.json()).message, 'A custom metadata field with this name already exists.');
    const sameLabel = await create({ name: 'dup2', label: 'Dup', schema: { type: 'Text' } });
    assert.equal((await sameLabel.json()).message, 'A custom metadata field with this label already exists.');
  });

  it('refuses invalid schemas with the reason', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ name: 'a1', label: 'A1', schema: { type: 'Colour' } }, /type must be one of/],
      [{ name: 'a2', label: 'A2', schema: { type: 'SingleSelect' } }, /selectOptions is required/],
      [
        { name: 'a3', label: 'A3', schema: { type: 'Text', minValue: 3 } },
        /minValue only applies to Number and Date/,
      ],
      [
        { name: 'a4', label: 'A4', schema: { type: 'Number', minValue: 5, maxValue: 1 } },
        /minValue is greater than maxValue/,
      ],
      [
        { name: 'a5', label: 'A5', schema: { type: 'Number', isValueRequired: true } },
        /needs a defaultValue/,
      ],
      [
        { name: 'a6', label: 'A6', schema: { type: 'Number', defaultValue: 'x' } },
        /defaultValue must be a number/,
      ],
      [{ name: 'a 7', label: 'A7', schema: { type: 'Text' } }, /invalid name parameter/],
      [{ name: 'a8', label: 'A8' }, /missing the schema parameter/],
      [{ name: 'a9', label: 'A9', schema: { type: 'Text', colour: 'red' } }, /Unknown property 'colour'/],
    ];
    for (const [json, why] of cases) {
      const response = await create(json);
      assert.equal(response.status, 400, JSON.stringify(json));
      assert.match((await response.json()).message, why);
    }
  });

  it('updates label and schema (merging rules), never name or type', async () => {
    const { id } = await (
      await create({ name: 'score', label: 'Score', schema: { type: 'Number', minValue: 0 } })
    ).json();
    const updated = await server.api(`/v1/customMetadataFields/${id}`, {
      method: 'PATCH',
      json: { label: 'Score (0-10)', schema: { type: 'Text', maxValue: 10 } },
    });
    assert.equal(updated.status, 200);
    const body = await updated.json();
    assert.equal(body.label, 'Score (0-10)');
    assert.deepEqual(body.schema, { type: 'Number', minValue: 0, maxValue: 10 });
    const unset = await (
      await server.api(`/v1/customMetadataFields/${id}`, {
        method: 'PATCH',
        json: { schema: { minValue: null } },
      })
    ).json();
    assert.deepEqual(unset.schema, { type: 'Number', maxValue: 10 });
    const rename = await server.api(`/v1/customMetadataFields/${id}`, {
      method: 'PATCH',
      json: { name: 'x' },
    });
    assert.equal((await rename.json()).message, 'Name cannot be updated.');
    const empty = await server.api(`/v1/customMetadataFields/${id}`, { method: 'PATCH', json: {} });
    assert.equal((await empty.json()).message, 'Either label or schema should be provided.');
  });

  it('deletes a field: gone from the list unless includeDeleted, no longer settable, not updatable', async () => {
    const { id } = await (await create({ name: 'temp', label: 'Temp', schema: { type: 'Text' } })).json();
    const response = await server.api(`/v1/customMetadataFields/${id}`, { method: 'DELETE' });
    assert.equal(response.status, 204);
    const live = await (await server.api('/v1/customMetadataFields')).json();
    assert.ok(!live.some((f: { id: string }) => f.id === id));
    const all = await (await server.api('/v1/customMetadataFields?includeDeleted=true')).json();
    assert.ok(all.some((f: { id: string }) => f.id === id));
    const patch = await server.api(`/v1/customMetadataFields/${id}`, {
      method: 'PATCH',
      json: { label: 'Again' },
    });
    assert.equal((await patch.json()).message, 'Cannot update a deleted custom metadata fields.');
    const again = await server.api(`/v1/customMetadataFields/${id}`, { method: 'DELETE' });
    assert.equal(again.status, 404);
    assert.equal((await again.json()).message, 'No such custom metadata field exists.');
    const missing = await server.api('/v1/customMetadataFields/000000000000000000000000', {
      method: 'PATCH',
      json: { label: 'x' },
    });
    assert.equal(missing.status, 404);
  });
});
