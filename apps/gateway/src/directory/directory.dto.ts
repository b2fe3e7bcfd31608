import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Role, ROLES } from '@fidelis/contracts';

// Shapes for the API description; the numbers service validates every field and answers 400
// naming the field when one is wrong.

export class StaffBody {
  @ApiProperty({ example: 'Ada Lovelace' })
  name: string;

  @ApiProperty({ example: 'ada@example.edu' })
  email: string;

  @ApiProperty({ enum: ROLES })
  role: Role;
}

export class StudentBody {
  @ApiProperty({ example: 'Grace Hopper' })
  name: string;

  @ApiPropertyOptional({ example: 'grace@example.edu', nullable: true })
  email?: string | null;

  @ApiPropertyOptional({
    example: '(415) 555-0101',
    nullable: true,
    description: 'Any format; stored in E.164, read in DEFAULT_COUNTRY when written without +',
  })
  smsPhone?: string | null;

  @ApiPropertyOptional({ example: 'America/Los_Angeles', nullable: true })
  timezone?: string | null;
}

export class StudentRow extends StudentBody {
  @ApiProperty({ example: 'student-42' })
  id: string;
}
