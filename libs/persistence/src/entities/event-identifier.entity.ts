import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Which event (by Event Hash ID) a source-given EPCIS `eventID` first named: EVENT_ID_REUSED. */
@Entity('event_identifier')
export class EventIdentifierEntity {
  @PrimaryColumn('text', { name: 'event_id' }) eventId!: string;
  @Column('text', { name: 'event_key' }) eventKey!: string;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
}
