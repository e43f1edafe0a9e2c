// Where used: after each write to an entry of a content type with a media-library field (create,
// update, publish, delete), tells the media server which of its files the document uses, with
// `PUT /_ml/references` (or `DELETE` when it uses none or is gone). One place per document:
// `<uid>/<documentId>`, the union of its draft, published and localized rows.
const customField = 'plugin::media-library.asset';

/** The attribute names of `contentType` that hold the plugin's field. */
function mediaFieldsOf(contentType) {
  return Object.entries(contentType.attributes ?? {})
    .filter(([, attribute]) => attribute.customField === customField)
    .map(([name]) => name);
}

/** The fileIds a stored field value holds: one asset, a list, or JSON text of either. */
function fileIdsOf(value) {
  let parsed = value;
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      return [];
    }
  }
  const list = Array.isArray(parsed) ? parsed : parsed ? [parsed] : [];
  return list.map((asset) => asset?.fileId).filter((id) => typeof id === 'string' && id !== '');
}

/** What an editor calls an entry: its title or name, else its first text attribute, else its id. */
function titleOf(contentType, row) {
  const names = Object.entries(contentType.attributes ?? {})
    .filter(([, attribute]) => ['string', 'text', 'uid'].includes(attribute.type))
    .map(([name]) => name);
  const preferred = ['title', 'name', 'label', ...names].find(
    (name) => typeof row[name] === 'string' && row[name].trim() !== '',
  );
  return preferred
    ? row[preferred].trim().slice(0, 500)
    : `${contentType.info?.displayName ?? contentType.uid} ${row.documentId}`;
}

function trimSlash(url) {
  return String(url ?? '').replace(/\/+$/, '');
}

/** The references reporter for this Strapi; `subscribe()` hooks it into the database lifecycles. */
function createReferences(strapi) {
  const config = () => strapi.config.get('plugin::media-library');
  const serverUrl = () =>
    trimSlash(strapi.config.get('server.absoluteUrl')) ||
    `http://${strapi.config.get('server.host', 'localhost')}:${strapi.config.get('server.port', 1337)}`;
  const adminUrl = () => {
    const absolute = trimSlash(strapi.config.get('admin.absoluteUrl'));
    if (absolute) return absolute;
    const path = strapi.config.get('admin.url', '/admin');
    return /^https?:\/\//.test(path)
      ? trimSlash(path)
      : `${serverUrl()}${path.startsWith('/') ? '' : '/'}${trimSlash(path)}`;
  };
  const source = () => `strapi:${serverUrl()}`;

  /** Where an editor opens the entry in the admin. */
  function entryUrl(contentType, documentId) {
    return contentType.kind === 'singleType'
      ? `${adminUrl()}/content-manager/single-types/${contentType.uid}`
      : `${adminUrl()}/content-manager/collection-types/${contentType.uid}/${documentId}`;
  }

  /** One call to `/_ml/references` with a one-minute read-write session for the configured folder. */
  async function call(method, body) {
    const { endpoint, publicKey, privateKey, scope } = config();
    const { signSessionToken } = await import('media-library/token-endpoint');
    const token = await signSessionToken({
      privateKey,
      publicKey,
      scope: { folder: scope?.folder || '/', access: 'readwrite' },
      ttlSeconds: 60,
      sub: 'strapi:references',
    });
    const response = await fetch(`${trimSlash(endpoint)}/_ml/references`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    const answer = await response.json().catch(() => undefined);
    return { status: response.status, answer };
  }

  /** Reports the document's files now; a file deleted from the library since is left out. */
  async function report(uid, documentId) {
    const { endpoint, publicKey, privateKey } = config();
    if (!endpoint || !publicKey || !privateKey) return;
    const contentType = strapi.contentType(uid);
    const fields = mediaFieldsOf(contentType);
    const key = `${uid}/${documentId}`;
    const rows = await strapi.db.query(uid).findMany({ where: { documentId } });
    let fileIds = [...new Set(rows.flatMap((row) => fields.flatMap((field) => fileIdsOf(row[field]))))];
    // The published row names the place when there is one: that is the title readers see.
    const row = rows.find((candidate) => candidate.publishedAt) ?? rows[0];
    for (let attempt = 0; attempt < 2; attempt++) {
      if (fileIds.length === 0) {
        const { status } = await call('DELETE', { source: source(), key });
        if (status >= 300)
          strapi.log.warn(`media-library: could not clear the files ${key} uses (${status})`);
        return;
      }
      const place = {
        source: source(),
        key,
        title: titleOf(contentType, row),
        url: entryUrl(contentType, documentId),
        fileIds,
      };
      const { status, answer } = await call('PUT', place);
      if (status < 300) return;
      const missing = Array.isArray(answer?.missingFileIds) ? answer.missingFileIds : [];
      if (status !== 400 || missing.length === 0) {
        strapi.log.warn(
          `media-library: could not report the files ${key} uses (${status} ${answer?.message ?? ''})`,
        );
        return;
      }
      fileIds = fileIds.filter((id) => !missing.includes(id));
    }
  }

  // Several writes to one document (publishing writes two rows) report once, after the transaction commits.
  const queued = new Set();
  function schedule(uid, documentId) {
    if (!documentId) return;
    const key = `${uid}\u0000${documentId}`;
    if (queued.has(key)) return;
    queued.add(key);
    const start = () =>
      setImmediate(() => {
        queued.delete(key);
        report(uid, documentId).catch((error) =>
          strapi.log.warn(`media-library: could not report where files are used: ${error?.message ?? error}`),
        );
      });
    if (strapi.db.inTransaction()) {
      // Joins the open transaction, whose commit runs the callback (a rollback reports nothing).
      void strapi.db.transaction(({ onCommit }) => onCommit(start));
    } else start();
  }

  /** The documentIds a `…Many` query's `where` reaches, read before it runs. */
  async function documentIdsWhere(uid, where) {
    const rows = await strapi.db.query(uid).findMany({ where, select: ['documentId'] });
    return [...new Set(rows.map((row) => row.documentId))];
  }

  function subscribe() {
    const models = Object.values(strapi.contentTypes)
      .filter((contentType) => mediaFieldsOf(contentType).length > 0)
      .map((contentType) => contentType.uid);
    if (models.length === 0) return models;
    const fromResult = (event) => schedule(event.model.uid, event.result?.documentId);
    const before = async (event) => {
      event.state.documentIds = await documentIdsWhere(event.model.uid, event.params?.where ?? {});
    };
    const afterMany = (event) => {
      for (const documentId of event.state.documentIds ?? []) schedule(event.model.uid, documentId);
    };
    strapi.db.lifecycles.subscribe({
      models,
      afterCreate: fromResult,
      afterUpdate: fromResult,
      beforeDelete: before,
      afterDelete: afterMany,
      beforeUpdateMany: before,
      afterUpdateMany: afterMany,
      beforeDeleteMany: before,
      afterDeleteMany: afterMany,
    });
    return models;
  }

  return { subscribe, report, source };
}

module.exports = { createReferences, fileIdsOf, mediaFieldsOf };
