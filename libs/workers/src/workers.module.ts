import { Module } from '@nestjs/common';

/**
 * Every BullMQ processor of the hub. It lives in a library, not in apps/worker, so that one process
 * can carry both roles (`npm start`) without one app importing another (docs/adr/0001).
 */
@Module({
  providers: [],
})
export class WorkersModule {}
