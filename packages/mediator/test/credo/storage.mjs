// An in-memory StorageService for Credo 0.6 agents in our tests: Askar (Credo's usual storage)
// cannot be installed here, its package downloads a native library at install. Records are
// kept as JSON per agent context, and read back through Credo's JsonTransformer as Askar's are.
// Queries: tag equality, array tags (all given values present), $and, $or, $not.
import { JsonTransformer, RecordDuplicateError, RecordNotFoundError, StorageVersionRecord } from '@credo-ts/core';

function matches(tags, query) {
  if (!query) return true;
  const { $and, $or, $not, ...simple } = query;
  for (const [key, want] of Object.entries(simple)) {
    if (want === undefined) continue;
    const have = tags[key];
    if (Array.isArray(want)) {
      if (!Array.isArray(have) || !want.every((v) => have.includes(v))) return false;
    } else if (want === null) {
      if (have !== undefined && have !== null) return false;
    } else if (have !== want) return false;
  }
  if ($and && !$and.every((q) => matches(tags, q))) return false;
  if ($or && !$or.some((q) => matches(tags, q))) return false;
  if ($not && matches(tags, $not)) return false;
  return true;
}

export class InMemoryStorageService {
  supportsCursorPagination = false;
  #contexts = new Map();

  #records(agentContext) {
    let records = this.#contexts.get(agentContext.contextCorrelationId);
    if (!records) {
      records = new Map();
      this.#contexts.set(agentContext.contextCorrelationId, records);
      // A new context is at the current storage version, as a fresh Askar wallet is.
      const version = new StorageVersionRecord({ storageVersion: StorageVersionRecord.frameworkStorageVersion });
      records.set(version.id, { type: version.type, value: JsonTransformer.toJSON(version), tags: version.getTags() });
    }
    return records;
  }

  #instance(stored, recordClass, id) {
    const record = JsonTransformer.fromJSON(stored.value, recordClass);
    record.id = id;
    record.replaceTags(stored.tags);
    return record;
  }

  async save(agentContext, record) {
    const records = this.#records(agentContext);
    if (records.has(record.id)) throw new RecordDuplicateError(`record ${record.id} already exists`, { recordType: record.type });
    record.updatedAt = new Date();
    records.set(record.id, { type: record.type, value: JsonTransformer.toJSON(record), tags: record.getTags() });
  }

  async update(agentContext, record) {
    const records = this.#records(agentContext);
    if (!records.has(record.id)) throw new RecordNotFoundError(`record ${record.id} not found`, { recordType: record.type });
    record.updatedAt = new Date();
    const value = JsonTransformer.toJSON(record);
    delete value._tags;
    records.set(record.id, { type: record.type, value, tags: record.getTags() });
  }

  async delete(agentContext, record) {
    if (!this.#records(agentContext).delete(record.id)) throw new RecordNotFoundError(`record ${record.id} not found`, { recordType: record.type });
  }

  async deleteById(agentContext, recordClass, id) {
    if (!this.#records(agentContext).delete(id)) throw new RecordNotFoundError(`record ${id} not found`, { recordType: recordClass.type });
  }

  async getById(agentContext, recordClass, id) {
    const stored = this.#records(agentContext).get(id);
    if (!stored || stored.type !== recordClass.type) throw new RecordNotFoundError(`record ${id} not found`, { recordType: recordClass.type });
    return this.#instance(stored, recordClass, id);
  }

  async getAll(agentContext, recordClass) {
    return this.findByQuery(agentContext, recordClass, {});
  }

  async findByQuery(agentContext, recordClass, query, options = {}) {
    const found = [];
    for (const [id, stored] of this.#records(agentContext)) {
      if (stored.type === recordClass.type && matches(stored.tags, query)) found.push(this.#instance(stored, recordClass, id));
    }
    const offset = options.offset ?? 0;
    return options.limit === undefined ? found.slice(offset) : found.slice(offset, offset + options.limit);
  }
}
