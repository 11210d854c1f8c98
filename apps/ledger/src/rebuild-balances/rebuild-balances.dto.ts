import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

export class RebuildBalancesDto {
  @ApiPropertyOptional({
    description: 'write the recomputed figures; without it (or false) the run only reports',
    default: false,
  })
  @IsOptional()
  @IsBoolean({ message: 'apply must be a boolean (true or false)' })
  apply?: boolean;
}
