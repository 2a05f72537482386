import { epcisExample } from '../../../../test/fixtures/event-hash/vectors';
import { epcUrnToDigitalLink } from '../carriers/epc-urn';
import { validateRecord } from '../validation/record.validator';
import { computeEventHash, eventHashesFromJsonDocument, eventsOfJsonDocument } from './event-hash';
import { canonicalTimestamp, pythonNumberString } from './value-canon';

const load = (f: string): unknown => epcisExample(`JSON/${f}`);

const event = {
  type: 'ObjectEvent',
  eventTime: '2025-07-01T08:00:00.000+07:00',
  eventTimeZoneOffset: '+07:00',
  epcList: ['https://id.gs1.org/01/08935049500018/21/2', 'https://id.gs1.org/01/08935049500018/21/1'],
  action: 'ADD',
  bizStep: 'commissioning',
  readPoint: { id: 'https://id.gs1.org/414/8935049000006' },
};

describe('Event Hash ID', () => {
  it('has the ni: form and exposes the pre-hash string', () => {
    const r = computeEventHash(event);
    expect(r.hashId).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    expect(r.preHash).toBe(
      'eventType=ObjectEventeventTime=2025-07-01T01:00:00.000ZeventTimeZoneOffset=+07:00epcListepc=https://id.gs1.org/01/08935049500018/21/1epc=https://id.gs1.org/01/08935049500018/21/2action=ADDbizStep=https://ref.gs1.org/cbv/BizStep-commissioningreadPointid=https://id.gs1.org/414/8935049000006',
    );
  });

  it('ignores field order, list order, eventID, recordTime and identifier syntax', () => {
    const base = computeEventHash(event).hashId;
    const reordered = {
      readPoint: event.readPoint,
      bizStep: 'commissioning',
      action: 'ADD',
      epcList: [...event.epcList].reverse(),
      eventTimeZoneOffset: '+07:00',
      eventTime: '2025-07-01T01:00:00Z',
      type: 'ObjectEvent',
    };
    expect(
      computeEventHash({ ...reordered, eventID: 'urn:uuid:1', recordTime: '2025-07-02T00:00:00Z' }).hashId,
    ).toBe(base);
    expect(
      computeEventHash({
        ...event,
        epcList: ['urn:epc:id:sgtin:8935049.050001.1', 'https://qr.example.vn/01/8935049500018/21/2?x=1'],
      }).hashId,
    ).toBe(base);
    expect(computeEventHash({ ...event, action: 'OBSERVE' }).hashId).not.toBe(base);
  });

  it('hashes the GS1 EPCIS 2.0 example the same with its EPC URNs written as Digital Link', () => {
    const doc = load('Example_9.6.1-ObjectEvent.jsonld') as {
      epcisBody: { eventList: Array<{ epcList: string[] }> };
    };
    const urn = eventHashesFromJsonDocument(doc);
    const converted = structuredClone(doc);
    for (const e of converted.epcisBody.eventList)
      e.epcList = e.epcList.map((id) => epcUrnToDigitalLink(id)!);
    expect(converted.epcisBody.eventList[0].epcList[0]).toBe('https://id.gs1.org/01/10614141073464/21/2017');
    expect(urn).toHaveLength(2);
    expect(eventHashesFromJsonDocument(converted).map((r) => r.hashId)).toEqual(urn.map((r) => r.hashId));
    // GS1's Digital Link variant of the example uses another GTIN, so it is another event.
    const dl = eventHashesFromJsonDocument(load('Example_9.6.1-ObjectEventWithDigitalLink.jsonld'));
    expect(dl[0].hashId).not.toBe(urn[0].hashId);
  });

  it('GS1 example events pass validation shape checks', () => {
    const doc = load('Example_9.6.1-ObjectEventWithDigitalLink.jsonld');
    for (const e of eventsOfJsonDocument(doc)) {
      expect(validateRecord('event', e, { now: new Date() }).filter((f) => f.code === 'EVENT_SHAPE')).toEqual(
        [],
      );
    }
  });

  it('writes numbers and times as the reference does', () => {
    expect(pythonNumberString(452)).toBe('452');
    expect(pythonNumberString(0.00001)).toBe('1e-05');
    expect(pythonNumberString(0.0001)).toBe('0.0001');
    expect(canonicalTimestamp('2023-02-02T11:04:03.1415Z')).toBe('2023-02-02T11:04:03.142Z');
    expect(canonicalTimestamp('2025-07-01T08:00:00+07:00')).toBe('2025-07-01T01:00:00.000Z');
  });
});
