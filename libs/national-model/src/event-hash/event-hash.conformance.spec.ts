import { filesWithoutHashes, hashVectorDocuments } from '../../../../test/fixtures/event-hash/vectors';
import { eventHashesFromJsonDocument, eventHashesFromXmlDocument } from './event-hash';

// Test vectors of the reference implementation (RalphTro/epcis-event-hash-generator, MIT licence
// in test/fixtures/event-hash/LICENSE): every document with a .hashes file, JSON-LD and XML.

/** Documents not checked, with the reason. Empty: every vector passes. */
const SKIPPED: Record<string, string> = {};

const documents = hashVectorDocuments();

describe('Event Hash ID conformance with the reference test vectors', () => {
  it('finds the vectors', () => {
    expect(documents.length).toBeGreaterThan(30);
  });

  it('has no expected hashes for the remaining files, so they are not vectors', () => {
    // epcisDocHavingTooManyUserExtensions has only a .prehashes file (no document, no hashes).
    expect(filesWithoutHashes()).toEqual(['epcisDocHavingTooManyUserExtensions.prehashes']);
  });

  for (const doc of documents) {
    const skip = SKIPPED[doc.file];
    (skip ? it.skip : it)(`${doc.file}${skip ? ` — skipped: ${skip}` : ''}`, () => {
      const results =
        doc.syntax === 'xml'
          ? eventHashesFromXmlDocument(doc.text)
          : eventHashesFromJsonDocument(JSON.parse(doc.text));
      const hashes = results.map((r) => r.hashId);
      if (JSON.stringify(hashes) !== JSON.stringify(doc.expectedHashes) && doc.expectedPreHashes.length > 0) {
        // Where a hash differs the pre-hash strings show why. Some .prehashes files are stale or
        // garbled while their .hashes are right, so they are only consulted on a mismatch.
        expect(results.map((r) => r.preHash)).toEqual(doc.expectedPreHashes);
      }
      expect(hashes).toEqual(doc.expectedHashes);
    });
  }
});
