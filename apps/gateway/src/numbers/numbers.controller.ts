import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Observable } from 'rxjs';
import {
  AssignmentView,
  AssignNumber,
  AvailableNumberView,
  BuyNumber,
  ListNumbers,
  NumberHistory,
  NumberView,
  ReleaseNumber,
  SearchAvailableNumbers,
  UnassignNumber,
} from '@fidelis/contracts';
import { BrokerClient } from '@fidelis/runtime';
import { Caller, CurrentCaller, Roles } from '../auth/auth.decorators';

/** Buying and releasing wait for Twilio, which may take a while. */
const TWILIO_REQUEST_TIMEOUT_MS = 30_000;

export class BuyNumberBody {
  @ApiPropertyOptional({
    description: 'Exactly this number (from GET /api/numbers/available); or give areaCode',
    example: '+14155238901',
  })
  phoneNumber?: string;

  @ApiPropertyOptional({
    description: 'Any available number in this area code; or give phoneNumber',
    example: '415',
  })
  areaCode?: string;

  @ApiPropertyOptional({ description: 'Assign the number to this staff member at once' })
  staffId?: string;
}

export class AssignNumberBody {
  @ApiProperty({ description: 'The staff member who gets the number' })
  staffId: string;
}

class NumberViewDoc implements NumberView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: '+14155238901' })
  phoneNumber: string;
  @ApiProperty({ example: 'PN0123456789abcdef0123456789abcdef' })
  twilioSid: string;
  @ApiProperty({ type: String, nullable: true, description: 'The current holder' })
  staffId: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Since when the current holder holds it',
  })
  assignedAt: string | null;
  @ApiProperty({ enum: ['active', 'released'] })
  status: 'active' | 'released';
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  releasedAt: string | null;
}

class AssignmentViewDoc implements AssignmentView {
  @ApiProperty()
  staffId: string;
  @ApiProperty({ format: 'date-time' })
  startedAt: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'null: holds it now',
  })
  endedAt: string | null;
}

class AvailableNumberViewDoc implements AvailableNumberView {
  @ApiProperty({ example: '+14155238901' })
  phoneNumber: string;
  @ApiProperty({ example: '(415) 523-8901' })
  friendlyName: string;
  @ApiProperty({ type: String, nullable: true, example: 'San Francisco' })
  locality: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'CA' })
  region: string | null;
}

/** Community Manager Tools: Twilio numbers (admin only). */
@ApiTags('Numbers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid token' })
@ApiResponse({ status: 403, description: 'Not an admin' })
@Roles('admin')
@Controller('api/numbers')
export class NumbersController {
  constructor(private readonly services: BrokerClient) {}

  @Get('available')
  @ApiOperation({ summary: "Twilio's available local numbers" })
  @ApiQuery({ name: 'areaCode', required: false, example: '415' })
  @ApiQuery({ name: 'contains', required: false, description: 'Digits, * for any one digit' })
  @ApiResponse({ status: 200, type: [AvailableNumberViewDoc] })
  @ApiResponse({ status: 400, description: 'Malformed areaCode or contains' })
  @ApiResponse({ status: 502, description: 'Twilio refused or could not be reached' })
  available(
    @Query('areaCode') areaCode?: string,
    @Query('contains') contains?: string,
  ): Observable<AvailableNumberView[]> {
    return this.services.send(SearchAvailableNumbers, { areaCode, contains });
  }

  @Post()
  @ApiOperation({
    summary: 'Buy a number at Twilio (SMS URL set to our webhook), optionally assigning it',
  })
  @ApiResponse({ status: 201, type: NumberViewDoc })
  @ApiResponse({
    status: 400,
    description: 'Neither or both of phoneNumber and areaCode, or malformed',
  })
  @ApiResponse({ status: 404, description: 'staffId is not a known staff member' })
  @ApiResponse({
    status: 409,
    description:
      'The number is not available (Twilio code in details), or staffId already holds one',
  })
  @ApiResponse({ status: 502, description: 'Twilio refused or could not be reached' })
  buy(@CurrentCaller() caller: Caller, @Body() body?: BuyNumberBody): Observable<NumberView> {
    return this.services.send(
      BuyNumber,
      {
        actorId: caller.staffId,
        phoneNumber: body?.phoneNumber,
        areaCode: body?.areaCode,
        staffId: body?.staffId,
      },
      TWILIO_REQUEST_TIMEOUT_MS,
    );
  }

  @Get()
  @ApiOperation({ summary: 'Every number, with its current holder' })
  @ApiResponse({ status: 200, type: [NumberViewDoc] })
  list(): Observable<NumberView[]> {
    return this.services.send(ListNumbers, {});
  }

  @Put(':id/assignee')
  @ApiOperation({ summary: 'Assign or reassign a number to a staff member' })
  @ApiResponse({ status: 200, type: NumberViewDoc })
  @ApiResponse({ status: 404, description: 'Unknown number or staff member' })
  @ApiResponse({
    status: 409,
    description: 'The staff member already holds a number, or the number was released',
  })
  assign(
    @CurrentCaller() caller: Caller,
    @Param('id') numberId: string,
    @Body() body?: AssignNumberBody,
  ): Observable<NumberView> {
    return this.services.send(AssignNumber, {
      actorId: caller.staffId,
      numberId,
      // Checked by the numbers service, whose refusal names what is missing.
      staffId: body?.staffId as string,
    });
  }

  @Delete(':id/assignee')
  @ApiOperation({ summary: 'Take a number from its holder' })
  @ApiResponse({ status: 200, type: NumberViewDoc })
  @ApiResponse({ status: 404, description: 'Unknown number' })
  unassign(@CurrentCaller() caller: Caller, @Param('id') numberId: string): Observable<NumberView> {
    return this.services.send(UnassignNumber, { actorId: caller.staffId, numberId });
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Release a number at Twilio; its history is kept' })
  @ApiResponse({ status: 200, type: NumberViewDoc })
  @ApiResponse({ status: 404, description: 'Unknown number' })
  @ApiResponse({ status: 502, description: 'Twilio refused or could not be reached' })
  release(@CurrentCaller() caller: Caller, @Param('id') numberId: string): Observable<NumberView> {
    return this.services.send(
      ReleaseNumber,
      { actorId: caller.staffId, numberId },
      TWILIO_REQUEST_TIMEOUT_MS,
    );
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Every assignment of a number, oldest first, with start and end' })
  @ApiResponse({ status: 200, type: [AssignmentViewDoc] })
  @ApiResponse({ status: 404, description: 'Unknown number' })
  history(@Param('id') numberId: string): Observable<AssignmentView[]> {
    return this.services.send(NumberHistory, { numberId });
  }
}
