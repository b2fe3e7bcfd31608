import { Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

/** Community Manager Tools: Twilio numbers (admin only). */
@ApiTags('Numbers')
@ApiBearerAuth()
@Controller('api/numbers')
export class NumbersController {}
