import { type DynamicModule, Global, Module } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from './hub-config';

/**
 * Provides the HubConfig that main.ts validated before Nest started, so a bad variable stops the
 * process before any connection is attempted.
 */
@Global()
@Module({})
export class HubConfigModule {
  static forRoot(config: HubConfig): DynamicModule {
    return {
      module: HubConfigModule,
      providers: [{ provide: HUB_CONFIG, useValue: config }],
      exports: [HUB_CONFIG],
    };
  }
}
