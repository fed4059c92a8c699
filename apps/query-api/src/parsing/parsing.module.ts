import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ParsingRuleEntity, RedactionSettingsEntity } from './parsing-rule.entity';
import { ParsingController } from './parsing.controller';
import { ParsingService } from './parsing.service';
import { ParserClient } from './parser-client';

/** Tenant parsing rules and redaction settings (applied by the parser-worker). */
@Module({
  imports: [TypeOrmModule.forFeature([ParsingRuleEntity, RedactionSettingsEntity])],
  controllers: [ParsingController],
  providers: [ParsingService, ParserClient],
})
export class ParsingModule {}
