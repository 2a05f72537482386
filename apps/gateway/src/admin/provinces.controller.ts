import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SourcesService } from '@txng/connectors';
import { currentProvinces, legacyProvinces } from '@txng/national-model';
import { type Principal } from '@txng/persistence';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ProvinceScoped, RequireRole } from '../auth/roles.decorator';
import { ProvincePageDto, type RolloutStage } from './dto/province.dto';

/** The furthest any of a province's sources has come in the Center's connection process. */
function rolloutStage(stages: string[]): RolloutStage {
  if (stages.includes('active')) return 'syncing';
  if (stages.includes('testing')) return 'testing';
  if (stages.length > 0) return 'draft';
  return 'no-system';
}

@ApiTags('admin: provinces')
@ApiBearerAuth()
@RequireRole('viewer')
@ProvinceScoped()
@Controller('v1/admin/provinces')
export class ProvincesController {
  constructor(private readonly sources: SourcesService) {}

  @Get()
  @ApiOkResponse({ type: ProvincePageDto })
  @ApiOperation({ summary: 'Every province with its sources and stage: the national roll-out.' })
  async list(@CurrentPrincipal() who: Principal): Promise<ProvincePageDto> {
    const sources = await this.sources.list(who.provinces);
    const scope = who.provinces;
    const provinces = currentProvinces().filter((p) => scope === null || scope.includes(p.code));
    const items = provinces.map((province) => {
      const own = sources.filter((s) => s.provinceCode === province.code);
      // A paused source still counts at the stage it was paused from.
      const stages = own.map((s) => (s.stage === 'paused' ? 'paused' : s.stage));
      return {
        code: province.code,
        name: province.name,
        stage: rolloutStage(stages),
        sources: own.map((s) => ({
          key: s.key,
          name: s.name,
          kind: s.kind,
          format: s.format,
          stage: s.stage,
          status: s.status,
        })),
      };
    });
    const count = (stage: RolloutStage): number => items.filter((i) => i.stage === stage).length;
    return {
      items,
      nextCursor: null,
      // Every current province's name (public, like the crosswalk below), so a province token's
      // screens can name the other province of a conflict, whose item is not theirs.
      names: currentProvinces().map((p) => ({ code: p.code, name: p.name })),
      // The pre-2025 codes (Decision 19/2025/QĐ-TTg crosswalk), so a record's legacyProvinceCode can be named.
      legacy: legacyProvinces().map((p) => ({ code: p.code, name: p.name, mergedInto: p.mergedInto })),
      summary: {
        provinces: items.length,
        noSystem: count('no-system'),
        draft: count('draft'),
        testing: count('testing'),
        syncing: count('syncing'),
      },
    };
  }
}
